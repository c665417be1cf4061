// QuickStart: load a folder of labelled faces → split → train a logistic-regression baseline → evaluate →
// save → load → predict. Run: dotnet run -- path/to/faces   (folders female/ and male/, optionally inside train/ and test/)
using GenderML;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;

string folder = args.Length > 0 ? args[0] : "../shared/data/kaggle-gender";

// 1. Load: every image under female/ and male/; unreadable files are listed, never dropped silently.
var dataset = Dataset.Load(folder, GenderLabels.Options);
Console.WriteLine($"{dataset.Items.Count} images, {dataset.Skipped.Count} skipped");

// 2. Split: keep the folder's own train/test split, or make a stratified 80/20 one from a seed.
if (!dataset.Splits.Contains(SplitNames.Test))
    dataset = dataset.SplitStratified(new SplitFractions(0.8, 0, 0.2), seed: 1);
var train = dataset.Subset(SplitNames.Train);
var test = dataset.Subset(SplitNames.Test);

// 3. Train: the `logreg` preset, logistic regression on 50×50 gray pixels (L-BFGS, L2 penalty C = 1), as
//    `genderml train --model logreg` trains it.
var recipe = ClassifierPresets.Create("logreg");
var result = Trainer.Fit(recipe, train);
Console.WriteLine($"trained on {train.Items.Count} images in {result.Classifier.Info.Training!.Seconds:F1} s");

// 4. Evaluate on the test images.
var report = Evaluator.Evaluate(result.Classifier, test);
Console.WriteLine($"test accuracy {report.Accuracy:P2}, ROC AUC {report.RocAuc:F4} on {report.N} images");
Console.WriteLine(report.Classification);

// 5. Save, load back, and predict one image.
result.Classifier.Save("quickstart-logreg.zip");
IGenderClassifier model = GenderClassifier.Load("quickstart-logreg.zip");
string path = test.Items[0].Path;
GenderPrediction p = model.Predict(Image.Load(path));
Console.WriteLine($"{Path.GetFileName(path)}: {p.Label} (P(male) = {p.ProbabilityMale:F3}, truly {test.Items[0].ClassName})");
