using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Imaging;

namespace GenderML.Cli;

/// <summary>The <c>--model</c> names of the CLI → recipes, with the image options of the command line.</summary>
internal static class Recipes
{
    public const string Names = "logreg, gbdt, dense, cnn2, cnn3, vgg, rnn, resnet, transfer, transfer-xception, transfer-fusion";

    public static ClassifierRecipe Create(string name, CliArgs a)
    {
        if (name.StartsWith("transfer", StringComparison.Ordinal)) return TransferArgs.Recipe(name, a);
        bool rgb = a.Flag("--rgb");
        string mode = a.String("--resize") ?? "stretch";
        int defaultSize = name switch { "vgg" or "resnet" => 64, _ => 50 };
        var preprocessing = new PreprocessOptions
        {
            Size = a.Int("--image-size", defaultSize),
            Format = rgb ? PixelFormat.Rgb24 : PixelFormat.Gray8,
            Mode = mode switch
            {
                "stretch" => ResizeMode.Stretch,
                "crop" => ResizeMode.CenterCrop,
                "pad" => ResizeMode.Pad,
                _ => throw new UsageException($"--resize takes stretch, crop or pad, not '{mode}'"),
            },
        };
        if (preprocessing.Size is < 16 or > 512) throw new UsageException($"--image-size must be 16–512, not {preprocessing.Size}");
        // Every pixel model but the logistic baseline frames faces unless told not to: trained on these tight crops alone,
        // they fail on looser framings. logreg stays the plain baseline on the same pixels as scikit-learn's.
        bool frameByDefault = name is not "logreg";
        if (a.Flag("--frame-faces") && a.Flag("--no-frame-faces")) throw new UsageException("--frame-faces and --no-frame-faces exclude each other");
        if (a.Flag("--frame-faces") || (frameByDefault && !a.Flag("--no-frame-faces")))
        {
            double margin = a.Double("--frame-margin", GenderML.FaceFraming.DefaultMargin);
            try
            {
                preprocessing = preprocessing with { Framing = new GenderML.FaceFraming(margin, a.String("--face-models"), a.Int("--threads", 0)) };
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new UsageException($"--frame-margin takes a fraction of the face box in [{GenderML.FaceFraming.MinimumMargin}, 1], not {margin}");
            }
        }
        else if (a.String("--frame-margin") is not null) throw new UsageException("--frame-margin goes with face framing (--frame-faces, the default for every model but logreg)");
        int hidden = a.Int("--hidden", 0);
        return name switch
        {
            "logreg" => new LogisticRegressionRecipe { Preprocessing = preprocessing, C = a.Double("--c", 1.0), MaxIterations = a.Int("--max-iterations", 500) },
            "gbdt" => new GradientBoostingRecipe
            {
                Preprocessing = preprocessing,
                Boosting = new Trees.GradientBoostingOptions { Trees = a.Int("--trees", 100), Leaves = a.Int("--leaves", 20), LearningRate = a.Double("--lr", 0.2) },
            },
            "dense" => new NeuralNetworkRecipe(NetworkPreset.Dense) { Preprocessing = preprocessing, HiddenUnits = hidden },
            "cnn2" => new NeuralNetworkRecipe(NetworkPreset.Cnn2) { Preprocessing = preprocessing, HiddenUnits = hidden },
            "cnn3" => new NeuralNetworkRecipe(NetworkPreset.Cnn3) { Preprocessing = preprocessing, HiddenUnits = hidden },
            "vgg" => new NeuralNetworkRecipe(NetworkPreset.SmallerVgg) { Preprocessing = preprocessing, HiddenUnits = hidden },
            "rnn" => new NeuralNetworkRecipe(NetworkPreset.Rnn) { Preprocessing = preprocessing, HiddenUnits = hidden },
            "resnet" => new NeuralNetworkRecipe(NetworkPreset.ResNet) { Preprocessing = preprocessing },
            _ => throw new UsageException($"unknown model '{name}' (one of {Names})"),
        };
    }
}
