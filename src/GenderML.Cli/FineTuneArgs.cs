using GenderML.Classifiers;

namespace GenderML.Cli;

/// <summary>
/// <c>train --model transfer --fine-tune [--fine-tune-epochs N] [--fine-tune-lr X] [--fine-tune-head-lr X]
/// [--fine-tune-batch N] [--fine-tune-patience N] [--fine-tune-flips both|train|test|none]</c>: fine-tuning of the face ResNet's last stage.
/// </summary>
internal static class FineTuneArgs
{
    public static TransferRecipe Apply(TransferRecipe recipe, CliArgs a)
    {
        string[] names = ["--fine-tune-epochs", "--fine-tune-lr", "--fine-tune-head-lr", "--fine-tune-batch", "--fine-tune-patience", "--fine-tune-flips"];
        bool any = names.Select(a.String).ToList().Any(v => v is not null);
        if (!a.Flag("--fine-tune"))
        {
            if (any) throw new UsageException("the --fine-tune-* options need --fine-tune");
            return recipe;
        }
        if (recipe.Backbone != TransferBackbone.FaceResNet) throw new UsageException("--fine-tune is for --model transfer (the face ResNet)");
        if (recipe.Head != TransferHead.Logistic) throw new UsageException("--fine-tune trains its own logistic head; drop --head");
        if (recipe.DetectFaces) throw new UsageException("--fine-tune does not take --detect-faces yet");
        if (recipe.ResNetFeatures is not null) throw new UsageException("--fine-tune reads the last stage it trains; drop --resnet-features");
        if (recipe.Mirror is not null) throw new UsageException("--fine-tune sets mirror images with --fine-tune-flips; drop --no-mirror");
        var d = new FineTuneOptions();
        string flips = a.String("--fine-tune-flips") ?? "both";
        var o = d with
        {
            Epochs = a.Int("--fine-tune-epochs", d.Epochs),
            LearningRate = a.Double("--fine-tune-lr", d.LearningRate),
            HeadLearningRate = a.Double("--fine-tune-head-lr", d.HeadLearningRate),
            BatchSize = a.Int("--fine-tune-batch", d.BatchSize),
            Patience = a.Int("--fine-tune-patience", d.Patience),
            FlipTrain = flips switch
            {
                "both" or "train" => true,
                "test" or "none" => false,
                _ => throw new UsageException($"--fine-tune-flips takes both, train, test or none, not '{flips}'"),
            },
            FlipTest = flips is "both" or "test",
        };
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return recipe with { FineTune = o };
    }
}
