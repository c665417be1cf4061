// OutsideApp: what an app outside this repository does with nothing but the GenderML packages: train a framed cnn3
// and a transfer model, save and reload both, load the ready pretrained model, and predict faces with each. No weights
// folder is given: face framing and the face-api networks read the weights packaged in GenderML.FaceApi.Models.
// Run: dotnet run -- FACES_DIR OUT_DIR IMAGE...   (FACES_DIR: female/ and male/; a few hundred images are enough)
// Prints one line per model and image, "MODEL<TAB>JSON", the JSON as `genderml predict --model MODEL --json` prints it.
using System.Text.Json;
using GenderML;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Imaging;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: OutsideApp FACES_DIR OUT_DIR IMAGE...");
    return 2;
}
string faces = args[0], outDir = args[1];
string[] images = args[2..];
Directory.CreateDirectory(outDir);
var train = Dataset.Load(faces, GenderLabels.Options);
// cnn3 and transfer as `genderml train --model cnn3` / `--model transfer` train them: the library's presets (cnn3 cut
// around each detected face; transfer face-api's shipped gender head plus a correction learned on its frozen
// features). cnn3 runs 2 epochs here instead of the preset's 12, to keep the check short.
var cnn3 = ClassifierPresets.Create("cnn3");
cnn3 = cnn3 with { Training = cnn3.Training with { Epochs = 2 } };
var transfer = ClassifierPresets.Create("transfer");

int failures = 0;
foreach (var (name, recipe) in new (string, ClassifierRecipe)[] { ("cnn3", cnn3), ("transfer", transfer) })
{
    var trained = Trainer.Fit(recipe, train).Classifier;
    string path = Path.Combine(outDir, name + ".zip");
    trained.Save(path);
    var loaded = GenderClassifier.Load(path);
    failures += Print(name, loaded, trained);
}
// The ready model as `genderml predict --model pretrained` runs it: canonical framing, mean with the mirror image.
failures += Print("pretrained", PretrainedGenderClassifier.Load(canonicalMargin: 0, mirror: true), null);
return failures == 0 ? 0 : 1;

// Prints the model's prediction of each image; counts those that differ from the model's before it was saved.
int Print(string name, IGenderClassifier model, IGenderClassifier? beforeSaving)
{
    int differ = 0;
    foreach (string path in images)
    {
        var image = Image.Load(path);
        var p = model.Predict(image);
        if (beforeSaving is not null && beforeSaving.Predict(image).ProbabilityMale != p.ProbabilityMale)
        {
            Console.Error.WriteLine($"{name}: {path}: the reloaded model predicts otherwise than before saving");
            differ++;
        }
        double pMale = Math.Round((double)p.ProbabilityMale, 6);
        string json = JsonSerializer.Serialize(new { path, label = p.Label, pMale });
        Console.WriteLine($"{name}\t{json}");
    }
    return differ;
}
