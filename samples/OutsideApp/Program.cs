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
using GenderML.Training;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: OutsideApp FACES_DIR OUT_DIR IMAGE...");
    return 2;
}
string faces = args[0], outDir = args[1];
string[] images = args[2..];
Directory.CreateDirectory(outDir);
var train = Dataset.Load(faces, GenderLabels.Options);
var options = new TrainingOptions { Epochs = 2, Seed = 1, ValidationFraction = 0 };

// cnn3 as `genderml train --model cnn3` trains it: 50×50 gray pixels, each image cut around its detected face.
var cnn3 = new NeuralNetworkRecipe(NetworkPreset.Cnn3)
{
    Preprocessing = new PreprocessOptions { Size = 50, Framing = new FaceFraming() },
};
// transfer as `genderml train --model transfer` trains it: the frozen face ResNet on the canonically framed face.
var transfer = new TransferRecipe(TransferBackbone.FaceResNet)
{
    CanonicalMargin = 0,
    Preprocessing = new PreprocessOptions { Size = 150, Format = PixelFormat.Rgb24, Mode = ResizeMode.Pad },
};

int failures = 0;
foreach (var (name, recipe) in new (string, ClassifierRecipe)[] { ("cnn3", cnn3), ("transfer", transfer) })
{
    var trained = Trainer.Fit(recipe, train, validation: null, options).Classifier;
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
