using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.FaceApi;

/// <summary>
/// The dlib face ResNet as ported by face-api (faceRecognitionNet/*.ts; faceapi-models.md §5), built from Core layers:
/// a stem (7×7/2 'valid' conv, ReLU, 3×3/2 'valid' max pool; 150×150×3 → 36×36×32) and 16
/// <see cref="FaceResidualBlock"/>s to 2×2×256. An instance holds a contiguous run of it: the frozen network from the
/// stem through any block (<see cref="Frozen"/>, dlib's scale layers folded into the convs, as face-api runs it), or
/// the trainable tail from a block to the end followed by the spatial mean (<see cref="Trainable"/>, scale layers
/// kept).
/// </summary>
/// <remarks>
/// The layers are a Core <see cref="Sequential"/>: forward and backward, parameters, thread count, buffers owned by the
/// layers (so one instance runs one batch at a time, and a returned tensor is valid until the next call).
/// </remarks>
internal sealed class FaceResNet
{
    /// <summary>The residual blocks in order: face-api's name, in and out channels, whether it downsamples.</summary>
    public static readonly IReadOnlyList<(string Name, int In, int Out, bool Down)> Blocks =
    [
        ("conv32_1", 32, 32, false), ("conv32_2", 32, 32, false), ("conv32_3", 32, 32, false),
        ("conv64_down", 32, 64, true), ("conv64_1", 64, 64, false), ("conv64_2", 64, 64, false),
        ("conv64_3", 64, 64, false),
        ("conv128_down", 64, 128, true), ("conv128_1", 128, 128, false), ("conv128_2", 128, 128, false),
        ("conv256_down", 128, 256, true), ("conv256_1", 256, 256, false), ("conv256_2", 256, 256, false),
        ("conv256_down_out", 256, 256, true),
    ];

    /// <summary>Channels of the final map (and of the spatial mean).</summary>
    public const int OutChannels = 256;

    private const string StemTap = "conv32_down (conv7x7/2 valid+bias+scale+relu)", PoolTap = "maxpool3x3/2 valid";

    private readonly string?[] _taps;

    /// <summary>The frozen network as one channel-blocked plan (AVX-512 machines), else null.</summary>
    private readonly ChannelBlockedPlan? _plan;

    private FaceResNet(Sequential layers, string?[] taps, ChannelBlockedPlan? plan = null)
    {
        Layers = layers;
        _taps = taps;
        _plan = plan;
    }

    /// <summary>The network's steps as one Core layer.</summary>
    public Sequential Layers { get; }

    /// <summary>
    /// The pretrained network from the stem through block <paramref name="through"/> (all of it when null), scale
    /// layers folded, in evaluation mode with every parameter frozen; N×3×150×150 → N×C×H×W of that block.
    /// </summary>
    public static FaceResNet Frozen(WeightMap w, ComputeOptions? compute = null, string? through = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        int end = through is null ? Blocks.Count : IndexOf(through) + 1;
        var random = new Random(0);
        const string s = "conv32_down/";
        var stem = TfjsLayers.Conv(w, s + "conv/filters", s + "conv/bias", 7, 3, 32, 2, ConvPadding.Valid);
        TfjsLayers.FoldScale(stem, w.Vector(s + "scale/weights", 32), w.Vector(s + "scale/biases", 32));
        // Conv, ReLU, pool: evaluation mode runs the three as one pass (InferenceFusion).
        var layers = new List<Layer> { stem, new ReLU(), new MaxPool2d(3, 2, ConvPadding.Valid) };
        var taps = new List<string?> { null, StemTap, PoolTap };
        for (int i = 0; i < end; i++)
        {
            var (name, cin, cout, down) = Blocks[i];
            var block = new FaceResidualBlock(cin, cout, down, random, foldedScale: true);
            block.Load(w, name);
            layers.Add(block);
            taps.Add(name);
        }
        var frozen = TfjsLayers.Frozen(new Sequential([.. layers]), compute);
        var plan = ChannelBlockedPlan.TryCreate(frozen, 3, FaceRecognitionNet.InputSize, FaceRecognitionNet.InputSize);
        return new FaceResNet(frozen, [.. taps], plan);
    }

    /// <summary>
    /// The blocks from <paramref name="from"/> to the end, then the spatial mean (→ N×256), with dlib's scale layers
    /// as trainable <see cref="ChannelAffine"/>s; the weights pretrained from <paramref name="w"/>, or drawn from
    /// <paramref name="random"/> when it is null. Parameter names: <c>{i}.conv1.weight</c>, <c>{i}.scale1.scale</c>, …
    /// with <c>i</c> the block's position in this run.
    /// </summary>
    public static FaceResNet Trainable(string from, Random random, WeightMap? w = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        var layers = new List<Layer>();
        var taps = new List<string?>();
        for (int i = IndexOf(from); i < Blocks.Count; i++)
        {
            var (name, cin, cout, down) = Blocks[i];
            var block = new FaceResidualBlock(cin, cout, down, random);
            if (w is not null) block.Load(w, name);
            layers.Add(block);
            taps.Add(name);
        }
        layers.Add(new GlobalAvgPool());
        taps.Add(null);
        return new FaceResNet(new Sequential([.. layers]), [.. taps]);
    }

    /// <summary>
    /// Runs the held steps; <paramref name="tap"/> sees the stem, the pool and each block (golden names), or only the
    /// blocks named in <paramref name="only"/>. The frozen network runs as a channel-blocked plan where the machine
    /// has one (values within rounding of the layers'), except when every step is tapped.
    /// </summary>
    public Tensor Forward(Tensor x, Action<string, Tensor>? tap = null, IReadOnlyCollection<string>? only = null)
    {
        if (_plan is not null && tap is null) return _plan.Forward(x);
        if (_plan is not null && only is not null)
        {
            var layers = only.Select(name => Array.IndexOf(_taps, name)).ToList();
            if (layers.All(i => i >= 0 && _plan.Keeps(i)))
                return _plan.Forward(x, layers, (i, t) => tap!(_taps[i]!, t));
        }
        return TfjsLayers.ForwardTapped(Layers, _taps, x,
            tap is null || only is null ? tap : (name, t) => { if (only.Contains(name)) tap(name, t); });
    }

    private static int IndexOf(string block)
    {
        for (int i = 0; i < Blocks.Count; i++)
            if (Blocks[i].Name == block) return i;
        throw new ArgumentException($"the face ResNet has no block '{block}'", nameof(block));
    }
}
