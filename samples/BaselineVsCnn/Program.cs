// BaselineVsCnn: the logistic-regression baseline against the two-conv-layer CNN, trained with the same seed on the
// same images and tested on the same images. Run: dotnet run -- path/to/faces [epochs]
using System.Diagnostics;
using GenderML;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;

string folder = args.Length > 0 ? args[0] : "../shared/data/kaggle-gender";
int epochs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;

var dataset = Dataset.Load(folder, GenderLabels.Options);
if (!dataset.Splits.Contains(SplitNames.Test))
    dataset = dataset.SplitStratified(new SplitFractions(0.8, 0, 0.2), seed: 1);
var train = dataset.Subset(SplitNames.Train);
var test = dataset.Subset(SplitNames.Test);

// The presets `genderml train` trains: logreg on 50×50 gray pixels, cnn2 on the same pixels cut around each face
// (10% of train held out for early stopping), here with the given number of epochs.
ClassifierRecipe[] recipes =
[
    ClassifierPresets.Create("logreg"),
    ClassifierPresets.Create("cnn2"),
];
recipes = [.. recipes.Select(r => r with { Training = r.Training with { Epochs = epochs } })];

foreach (var recipe in recipes)
{
    var clock = Stopwatch.StartNew();
    var result = Trainer.Fit(recipe, train);
    var report = Evaluator.Evaluate(result.Classifier, test);
    Console.WriteLine($"{recipe.Kind,-7} accuracy {report.Accuracy:P2}  AUC {report.RocAuc:F4}  {clock.Elapsed.TotalSeconds,6:F1} s");
}
// The same, in one call: Comparison.Run(recipes, train, test, r => r.Training) — or `genderml compare`.
