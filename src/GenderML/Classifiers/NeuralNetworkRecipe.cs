namespace GenderML.Classifiers;

/// <summary>A neural network trained from scratch on the pixels, with one logit output: P(male) = σ(logit).</summary>
public sealed record NeuralNetworkRecipe : ClassifierRecipe
{
    /// <summary>Creates the recipe for <paramref name="preset"/>.</summary>
    public NeuralNetworkRecipe(NetworkPreset preset) => Preset = preset;

    /// <summary>The architecture.</summary>
    public NetworkPreset Preset { get; init; }

    /// <inheritdoc/>
    public override string Kind => Preset switch
    {
        NetworkPreset.Dense => "dense",
        NetworkPreset.Cnn2 => "cnn2",
        NetworkPreset.Cnn3 => "cnn3",
        NetworkPreset.SmallerVgg => "vgg",
        NetworkPreset.Rnn => "rnn",
        NetworkPreset.ResNet => "resnet",
        _ => throw new ArgumentOutOfRangeException(nameof(Preset), Preset, null),
    };

    /// <summary>Hidden units of the dense net, the GRU and the CNNs' dense layer (0 = the preset's default).</summary>
    public int HiddenUnits { get; init; }
}
