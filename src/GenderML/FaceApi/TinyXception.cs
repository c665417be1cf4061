using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.FaceApi;

/// <summary>
/// face-api's TinyXception feature extractor with two middle blocks (xception/TinyXception.ts;
/// faceapi-models.md §4), built from Core layers: 112×112×3 → 7×7×512, run untapped as one channel-blocked plan where
/// the machine has AVX-512 (the same values). Frozen (evaluation mode, no trainable parameter); one instance runs one
/// batch at a time.
/// </summary>
internal sealed class TinyXception
{
    private readonly Sequential _layers;
    private readonly string?[] _taps;
    private readonly ImageChunks _chunks;

    public TinyXception(WeightMap w, ComputeOptions? compute)
    {
        (_layers, _taps) = Build(w, compute);
        _chunks = new ImageChunks(Blocked(_layers), c => Blocked(Build(w, c).Layers));
    }

    /// <summary>The layers as one channel-blocked plan where the machine runs it (AVX-512), else as they are: the
    /// same values either way.</summary>
    private static Layer Blocked(Sequential layers) =>
        (Layer?)ChannelBlockedPlan.TryCreate(layers, 3, AgeGenderNet.InputSize, AgeGenderNet.InputSize) ?? layers;

    private static (Sequential Layers, string?[] Taps) Build(WeightMap w, ComputeOptions? compute)
    {
        const string In = "entry_flow/conv_in/", E = "entry_flow/reduction_block_";
        var steps = new (Layer Layer, string? Tap)[]
        {
            (TfjsLayers.Conv(w, In + "filters", In + "bias", 3, 3, 32, 2, ConvPadding.Same), null),
            (new ReLU(), "entry_flow/conv_in+relu"),
            (Reduction(w, E + "0", 32, 64, activateInput: false), E + "0"),
            (Reduction(w, E + "1", 64, 128, activateInput: true), E + "1"),
            (Main(w, "middle_flow/main_block_0", 128), "middle_flow/main_block_0"),
            (Main(w, "middle_flow/main_block_1", 128), "middle_flow/main_block_1"),
            (Reduction(w, "exit_flow/reduction_block", 128, 256, activateInput: true), "exit_flow/reduction_block"),
            (TfjsLayers.Separable(w, "exit_flow/separable_conv", 256, 512, ConvPadding.Same), null),
            (new ReLU(), "exit_flow/separable_conv+relu (bottleneck)"),
        };
        return (TfjsLayers.Frozen(new Sequential([.. steps.Select(s => s.Layer)]), compute), [.. steps.Select(s => s.Tap)]);
    }

    /// <summary>The layers, N×3×112×112 normalised input → N×512×7×7.</summary>
    internal Sequential Layers => _layers;

    /// <summary>N×3×112×112 normalised input → N×512×7×7; <paramref name="tap"/> sees each stage (golden names).</summary>
    public Tensor Forward(Tensor x, Action<string, Tensor>? tap = null)
        => tap is null ? _chunks.Forward(x) : TfjsLayers.ForwardTapped(_layers, _taps, x, tap);

    /// <summary><c>maxPool3×3/2(sep1(relu(sep0(act(x))))) + conv1×1/2(x)</c>; the shortcut takes x before the ReLU.</summary>
    private static Residual Reduction(WeightMap w, string p, int cin, int cout, bool activateInput)
    {
        var main = new Sequential();
        if (activateInput) main.Add(new ReLU());
        main.Add(TfjsLayers.Separable(w, p + "/separable_conv0", cin, cout, ConvPadding.Same))
            .Add(new ReLU())
            .Add(TfjsLayers.Separable(w, p + "/separable_conv1", cout, cout, ConvPadding.Same))
            .Add(new MaxPool2d(3, 2, ConvPadding.Same));
        var expansion = TfjsLayers.Conv(w, p + "/expansion_conv/filters", p + "/expansion_conv/bias", 1, cin, cout, 2,
            ConvPadding.Same);
        return new Residual(main, expansion);
    }

    /// <summary><c>x + sep2(relu(sep1(relu(sep0(relu(x))))))</c>.</summary>
    private static Residual Main(WeightMap w, string p, int c) => new(new Sequential(
        new ReLU(), TfjsLayers.Separable(w, p + "/separable_conv0", c, c, ConvPadding.Same),
        new ReLU(), TfjsLayers.Separable(w, p + "/separable_conv1", c, c, ConvPadding.Same),
        new ReLU(), TfjsLayers.Separable(w, p + "/separable_conv2", c, c, ConvPadding.Same)));
}
