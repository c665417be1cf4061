using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Layers;

/// <summary>
/// A frozen network's forward pass in the channel-blocked layout (<see cref="ChannelBlocks"/>) from its first layer to
/// its last: the first convolution reads the NCHW image and writes a blocked map (<see cref="BlockedInputConvolution"/>),
/// a max pool after it pooling its rows from cache; then either separable convolutions
/// (<see cref="BlockedDepthwise3x3"/> then <see cref="BlockedPointwise"/> in bands of rows, the band's depthwise output
/// in cache), 1×1 strided shortcuts, max pools with the shortcut added (<see cref="BlockedMaxPool"/>), ReLUs and
/// identity residuals folded into the convolutions — or residual blocks of two 3×3 convolutions
/// (<see cref="IConvPairBlock"/>, ChannelBlockedPlan.ConvPairs.cs). The last map is converted back to NCHW. Buffers
/// are planned once: each map takes a buffer freed by a map no longer read.
/// </summary>
/// <remarks>
/// Built by <see cref="TryCreate"/> from a <see cref="Sequential"/> of exactly those layers (else null) — face-api's
/// TinyXception and face ResNet — for one input size, on AVX-512. The separable path computes every value as the
/// plain-layout kernels do (same FMA chains, same epilogue order), so its output equals the network's own, bit for bit;
/// the 3×3 convolutions sum in another order, so their values agree with the layers' to rounding. Evaluation only. A
/// batch runs image by image, each step of an image split over <see cref="ComputeOptions.Threads"/>, up to a batched
/// tail where the weights outweigh the maps, which takes the images in chunks; an image's values are the same in any
/// batch and on any thread count. An input of another shape runs through the network itself.
/// </remarks>
internal sealed unsafe partial class ChannelBlockedPlan : Layer
{
    /// <summary>Bytes of depthwise output per band of a separable convolution: the band stays in L2 while the
    /// pointwise kernel reads it.</summary>
    private const int BandBytes = 256 * 1024;

    /// <summary>Scratch slots: a separable band's depthwise output, a strided shortcut's sampled pixels.</summary>
    private const int BandSlot = 5, SampleSlot = 6;

    private readonly Sequential _source;
    private readonly int _channels, _height, _width;
    private readonly InputStep _first;
    private readonly List<Step> _steps = [];
    private Map _last;
    private readonly StepJob _job = new();

    /// <summary>Images a chunk of the batched tail holds.</summary>
    private const int ChunkImages = 16;

    /// <summary>How many times its maps' bytes (one image) a convolution's weights must weigh to start the batched
    /// tail.</summary>
    private const int WeightsPerMap = 4;

    /// <summary>The first step of the batched tail (the step count when there is none), and the maps it reads and
    /// writes.</summary>
    private int _split;
    private readonly List<Map> _batched = [];

    /// <summary>The source network's layers whose output is a map of the plan: the map, and the step (in run order,
    /// 0 the first) after which it holds that output.</summary>
    private readonly List<(int Layer, Map Map, int Step)> _kept = [];
    private Tensor? _output;

    private ChannelBlockedPlan(Sequential source, int channels, int height, int width, InputStep first)
    {
        _source = source;
        (_channels, _height, _width) = (channels, height, width);
        _first = first;
        _last = first.Output;
        SetTraining(false);
        SetCompute(source.Compute);
    }

    /// <summary>
    /// The plan of <paramref name="network"/> for <paramref name="channels"/>×<paramref name="height"/>×
    /// <paramref name="width"/> images, or null when the machine lacks AVX-512 or a layer is not of the kinds above
    /// (channel counts in whole blocks, separable depthwise 3×3 at stride 1 with one pixel of padding, 3×3
    /// convolutions to 32 channels on rows of 12 pixels or more, or to a multiple of 64).
    /// </summary>
    public static ChannelBlockedPlan? TryCreate(Sequential network, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!Avx512F.IsSupported || network.Layers.Count == 0 || network.Layers[0] is not Conv2d first) return null;
        bool relu = network.Layers.Count > 1 && network.Layers[1] is ReLU;
        if (first.InChannels != channels || InputStep.Create(first, height, width, relu) is not { } input) return null;
        int done = relu ? 2 : 1; // source layers the first step covers
        var layers = network.Layers.Skip(done).ToList();
        if (layers.Count > 0 && layers[0] is MaxPool2d pool)
        {
            // The stem's pool in its pass; the pooled map inside a border when 3×3 convolutions read it.
            if (input.WithPool(pool, border: layers.Count > 1 && layers[1] is IConvPairBlock) is not { } pooled)
                return null;
            (input, layers) = (pooled, layers[1..]);
            done++;
        }
        var plan = new ChannelBlockedPlan(network, channels, height, width, input);
        plan._kept.Add((done - 1, input.Output, 0));
        return plan.Add(layers, input.Output, done) is { } last ? plan.Finish(last) : null;
    }

    /// <summary>Whether <see cref="Forward(Tensor, IReadOnlyCollection{int}, Action{int, Tensor})"/> can hand out the
    /// output of the source network's layer <paramref name="layer"/> (a layer folded into the next one's pass, as a
    /// first convolution's ReLU or pool, has none of its own).</summary>
    public bool Keeps(int layer) => _kept.Exists(k => k.Layer == layer);

    /// <summary>Adds the steps of <paramref name="layers"/> applied to <paramref name="input"/>; their output, or null
    /// when a layer is not supported. With <paramref name="sourceIndex"/> (the source network's index of the first of
    /// them), each layer's output map and the step that completes it are kept for taps.</summary>
    private Map? Add(IReadOnlyList<Layer> layers, Map input, int? sourceIndex = null)
    {
        var x = input;
        bool reluInput = false;
        int firstStep = _steps.Count;
        for (int i = 0; i < layers.Count; i++)
        {
            switch (layers[i])
            {
                // A ReLU after a separable convolution of this sequence: in its output pass (the map is read by
                // nothing else yet).
                case ReLU when _steps.Count > firstStep && _steps[^1] is SeparableStep { ReluOutput: false } s
                    && s.Output == x && !reluInput:
                    s.ReluOutput = true;
                    // The convolution's own output is no longer a map of the plan.
                    if (sourceIndex is not null) _kept.RemoveAll(k => k.Map == x);
                    break;
                case ReLU when i + 1 < layers.Count && layers[i + 1] is SeparableConv2d && !reluInput:
                    reluInput = true;
                    break;
                case SeparableConv2d sep:
                    if (SeparableStep.Create(sep, x, reluInput) is not { } separable) return null;
                    Add(separable, x);
                    x = separable.Output;
                    reluInput = false;
                    break;
                case MaxPool2d pool:
                {
                    var (top, bottom) = pool.Padding.Resolve(x.Height, pool.KernelSize, pool.Stride, true);
                    var (left, right) = pool.Padding.Resolve(x.Width, pool.KernelSize, pool.Stride, false);
                    int oh = (x.Height + top + bottom - pool.KernelSize) / pool.Stride + 1;
                    int ow = (x.Width + left + right - pool.KernelSize) / pool.Stride + 1;
                    if (oh <= 0 || ow <= 0 || x.Pad != 0) return null;
                    // Stored inside a border of zeros when 3×3 convolutions read it.
                    int pad = i + 1 < layers.Count && layers[i + 1] is IConvPairBlock ? 1 : 0;
                    var pooled = new PoolStep(x, new Map(x.Channels, oh, ow, pad), pool.KernelSize, pool.Stride, top,
                        left);
                    Add(pooled, x);
                    x = pooled.Output;
                    break;
                }
                case IConvPairBlock block when !reluInput:
                    if (AddConvPair(block, x) is not { } z) return null;
                    x = z;
                    break;
                case Residual residual when residual.Main is Sequential main:
                    if (AddResidual(residual, main, x) is not { } y) return null;
                    x = y;
                    break;
                default:
                    return null;
            }
            if (sourceIndex is { } first && !reluInput) _kept.Add((first + i, x, _steps.Count));
        }
        return reluInput ? null : x;
    }

    /// <summary>A residual block: a 1×1 shortcut first (its input still in cache), then the main branch, whose last
    /// step (a max pool or a separable convolution without ReLU) adds the shortcut, or the input itself.</summary>
    private Map? AddResidual(Residual residual, Sequential main, Map x)
    {
        Map shortcut = x;
        if (residual.Shortcut is Conv2d conv)
        {
            if (ShortcutStep.Create(conv, x) is not { } step) return null;
            Add(step, x);
            shortcut = step.Output;
        }
        else if (residual.Shortcut is not null) return null;
        int before = _steps.Count;
        if (Add(main.Layers, x) is not { } y || _steps.Count == before || _steps[^1].Output != y
            || y.Channels != shortcut.Channels || y.Height != shortcut.Height || y.Width != shortcut.Width)
            return null;
        switch (_steps[^1])
        {
            case PoolStep pool when pool.Residual is null && shortcut.Pad == pool.Output.Pad:
                pool.Residual = shortcut;
                break;
            case SeparableStep sep when sep.Residual is null && !sep.ReluOutput && shortcut.Pad == 0:
                sep.Residual = shortcut;
                break;
            default:
                return null;
        }
        shortcut.LastUse = Math.Max(shortcut.LastUse, _steps.Count - 1);
        return y;
    }

    /// <summary>Appends <paramref name="step"/>, which reads <paramref name="input"/>.</summary>
    private void Add(Step step, Map input)
    {
        input.LastUse = Math.Max(input.LastUse, _steps.Count);
        _steps.Add(step);
    }

    /// <summary>Assigns buffers: a step's output takes a free buffer (or a new one), its inputs' buffers are freed
    /// after their last step.</summary>
    private ChannelBlockedPlan Finish(Map last)
    {
        _last = last;
        last.LastUse = int.MaxValue;
        ChooseBatchedTail();
        // A map inside a border takes only buffers of maps of its height and width (whose borders were never
        // written, zero since allocation); the others only buffers of maps without a border.
        var free = new List<Buffer>();
        Buffer Take(Map map)
        {
            int best = -1;
            for (int i = 0; i < free.Count; i++)
                if (free[i].Floats >= map.Floats && free[i].Key == map.BufferKey
                    && (best < 0 || free[i].Floats < free[best].Floats)) best = i;
            if (best < 0) return new Buffer(map.Floats, map.BufferKey);
            var b = free[best];
            free.RemoveAt(best);
            return b;
        }
        var firstMap = _first.Output;
        firstMap.Buffer = Take(firstMap);
        var live = new List<Map> { firstMap };
        for (int i = 0; i < _steps.Count; i++)
        {
            var output = _steps[i].Output;
            output.Buffer = Take(output);
            live.Add(output);
            foreach (var map in live.Where(m => m.LastUse <= i).ToList())
            {
                free.Add(map.Buffer!);
                live.Remove(map);
            }
        }
        return this;
    }

    /// <summary>
    /// Where the steps begin to take a chunk of images at once: from the first convolution whose weights outweigh
    /// <see cref="WeightsPerMap"/> times the maps it reads and writes for one image, when every step from there can
    /// (small maps, large weights: each weight read once a chunk instead of once an image). The maps those steps
    /// read and write hold <see cref="ChunkImages"/> images.
    /// </summary>
    private void ChooseBatchedTail()
    {
        _split = _steps.Count;
        int tail = _steps.Count;
        while (tail > 0 && _steps[tail - 1].Batched) tail--;
        for (int i = tail; i < _steps.Count; i++)
            if (_steps[i] is ConvStep conv && conv.WeightBytes >= WeightsPerMap * conv.MapBytes)
            {
                _split = i;
                break;
            }
        for (int i = _split; i < _steps.Count; i++)
            foreach (var map in _steps[i].Inputs.Append(_steps[i].Output))
                if (map.Images == 1)
                {
                    map.Images = ChunkImages;
                    _batched.Add(map);
                }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Run(input, null, null);
    }

    /// <summary>
    /// Runs the plan on <paramref name="input"/> and hands <paramref name="tap"/> the output (NCHW, the whole batch,
    /// valid during the call) of each source layer listed in <paramref name="tapped"/>, in layer order after the run.
    /// </summary>
    /// <exception cref="ArgumentException">A listed layer's output is not a map of the plan (<see cref="Keeps"/>), or
    /// the input is of another size (then only the network itself can tap it).</exception>
    public Tensor Forward(Tensor input, IReadOnlyCollection<int> tapped, Action<int, Tensor> tap)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(tapped);
        ArgumentNullException.ThrowIfNull(tap);
        if (tapped.Count > 0 && (!Planned(input) || tapped.Any(l => !Keeps(l))))
            throw new ArgumentException("the plan keeps no output of some tapped layer, or the input is not its size",
                nameof(tapped));
        return Run(input, tapped, tap);
    }

    private bool Planned(Tensor input) =>
        input.Rank == 4 && input.Dim(1) == _channels && input.Dim(2) == _height && input.Dim(3) == _width;

    /// <summary>The forward pass, each listed layer's output to <paramref name="tap"/> (none when null).</summary>
    private Tensor Run(Tensor input, IReadOnlyCollection<int>? tapped, Action<int, Tensor>? tap)
    {
        if (!Planned(input)) return _source.Forward(input);
        int n = input.Dim(0), threads = Math.Max(1, Compute.Threads);
        var output = TensorBuffers.Ensure(ref _output, n, _last.Channels, _last.Height, _last.Width);
        var taps = tapped is null || tapped.Count == 0 ? null : TapTensors(tapped, n);
        int perImage = input.Length / n;
        fixed (float* x = input.Data)
            for (int start = 0; start < n; start += ChunkImages)
            {
                // Each image of the chunk through the steps before the batched tail (its maps written at the
                // image's slot), then the tail once for the chunk.
                int count = Math.Min(ChunkImages, n - start);
                for (int k = 0; k < count; k++)
                {
                    foreach (var map in _batched) map.Slot = k;
                    _first.Source = x + (long)(start + k) * perImage;
                    Run(_first, threads, 0);
                    Keep(taps, 0, start + k, 1);
                    for (int i = 0; i < _split; i++)
                    {
                        Run(_steps[i], threads, i + 1);
                        Keep(taps, i + 1, start + k, 1);
                    }
                    if (_split == _steps.Count) ToPlanar(_last, output, start + k);
                }
                foreach (var map in _batched) map.Slot = 0;
                for (int i = _split; i < _steps.Count; i++)
                {
                    _steps[i].Images = count;
                    Run(_steps[i], threads, i + 1);
                    Keep(taps, i + 1, start, count);
                }
                if (_split < _steps.Count) ToPlanar(_last, output, start, count);
            }
        if (taps is not null)
            foreach (var t in taps) tap!(t.Layer, t.Tensor);
        return output;
    }

    /// <summary>The kept maps of the <paramref name="tapped"/> layers, each with a tensor for
    /// <paramref name="n"/> images (a method of its own: its closure is allocated only when there are taps).</summary>
    private List<(int Layer, Map Map, int Step, Tensor Tensor)> TapTensors(IReadOnlyCollection<int> tapped, int n) =>
        [.. _kept.Where(k => tapped.Contains(k.Layer))
            .Select(k => (k.Layer, k.Map, k.Step, new Tensor(n, k.Map.Channels, k.Map.Height, k.Map.Width)))];

    /// <summary>The tapped maps complete after <paramref name="step"/>, into their tensors: the map's current image
    /// (<paramref name="count"/> 1), or its first <paramref name="count"/> images.</summary>
    private static void Keep(List<(int Layer, Map Map, int Step, Tensor Tensor)>? taps, int step, int image, int count)
    {
        if (taps is null) return;
        foreach (var t in taps)
            if (t.Step == step)
            {
                if (count == 1) ToPlanar(t.Map, t.Tensor, image);
                else ToPlanar(t.Map, t.Tensor, image, count);
            }
    }

    /// <summary>Images 0 … <paramref name="count"/> − 1 of a batched <paramref name="map"/> as images
    /// <paramref name="image"/>… of <paramref name="tensor"/>.</summary>
    private static void ToPlanar(Map map, Tensor tensor, int image, int count)
    {
        for (int k = 0; k < count; k++)
        {
            map.Slot = k;
            ToPlanar(map, tensor, image + k);
        }
        map.Slot = 0;
    }

    /// <summary><paramref name="map"/> as image <paramref name="image"/> of the NCHW <paramref name="tensor"/>.</summary>
    private static void ToPlanar(Map map, Tensor tensor, int image)
    {
        int plane = map.Channels * map.Height * map.Width;
        fixed (float* y = tensor.Data)
            ChannelBlocks.ToPlanar(map.View, map.Channels, map.Height, map.Width, y + (long)image * plane);
    }

    /// <summary>Not available: the plan serves evaluation only.</summary>
    public override Tensor Backward(Tensor gradOutput) =>
        throw new InvalidOperationException("ChannelBlockedPlan serves evaluation only; train the source network");

    /// <summary>When set (one entry a step, <see cref="StepNames"/>' order), each step's wall time is added to it, in
    /// <see cref="System.Diagnostics.Stopwatch"/> ticks: the benchmarks' per-layer profile.</summary>
    internal long[]? StepTicks;

    /// <summary>Steps of the batched tail (a chunk of images at once).</summary>
    internal int BatchedSteps => _steps.Count - _split;

    /// <summary>The steps in order: kind, output channels × height × width.</summary>
    internal IReadOnlyList<string> StepNames => [.. new Step[] { _first }.Concat(_steps).Select(s =>
        $"{s.GetType().Name.Replace("Step", "", StringComparison.Ordinal)} → {s.Output.Channels}×{s.Output.Height}×{s.Output.Width}")];

    private void Run(Step step, int threads, int index)
    {
        long start = StepTicks is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        RunItems(step, threads);
        if (StepTicks is not null) StepTicks[index] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
    }

    private void RunItems(Step step, int threads)
    {
        int items = step.Items(threads);
        if (threads <= 1 || items == 1)
        {
            for (int i = 0; i < items; i++) step.Run(i);
            return;
        }
        _job.Step = step;
        try { WorkerPool.Run(_job, items, threads); }
        finally { _job.Step = null; }
    }

    /// <summary>An intermediate map of the plan (channels × height × width, blocked), stored inside a border of
    /// <paramref name="pad"/> zero pixels, and the buffer it is given; a map of the batched tail holds
    /// <see cref="Images"/> images, one after the other.</summary>
    private sealed class Map(int channels, int height, int width, int pad = 0)
    {
        public readonly int Channels = channels, Height = height, Width = width, Pad = pad;
        public int LastUse = -1;
        public Buffer? Buffer;

        /// <summary>Images the map holds, and the one the steps of a single image read and write.</summary>
        public int Images = 1, Slot;

        public long ImageFloats => (long)Channels * (Height + 2 * Pad) * (Width + 2 * Pad);
        public long Floats => Images * ImageFloats;
        public float* Pointer => Buffer!.Pointer + Slot * ImageFloats;
        public long RowStride => (long)(Width + 2 * Pad) * ChannelBlocks.Lanes;
        public long BlockStride => (Height + 2 * Pad) * RowStride;

        /// <summary>Pixel (0, 0) of the first block (of image <see cref="Slot"/>).</summary>
        public float* Origin => Pointer + Pad * (RowStride + ChannelBlocks.Lanes);

        public BlockedView View => new(Origin, BlockStride, RowStride, ImageFloats);

        /// <summary>Which maps may share a buffer: those of as many images, without a border or inside one of one
        /// size.</summary>
        public (int, int, int, int) BufferKey => Pad == 0 ? (Images, 0, 0, 0) : (Images, Pad, Height, Width);
    }

    /// <summary>A 64-byte aligned float buffer on the pinned heap: a map, or packed weights (whose vector loads then
    /// never straddle two cache lines).</summary>
    private sealed class Buffer
    {
        private readonly float[] _data;
        public readonly long Floats;
        public readonly float* Pointer;

        /// <summary>The <see cref="Map.BufferKey"/> of the maps it holds.</summary>
        public readonly (int, int, int, int) Key;

        /// <summary>The buffer's floats.</summary>
        public Span<float> Span => new(Pointer, (int)Floats);

        /// <summary>A buffer of <paramref name="floats"/>, zero when <paramref name="key"/> is a border's.</summary>
        public Buffer(long floats, (int, int, int, int) key = default)
        {
            Floats = floats;
            Key = key;
            _data = key.Item2 == 0
                ? GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true)
                : GC.AllocateArray<float>((int)floats + 16, pinned: true);
            fixed (float* p = _data) Pointer = (float*)(((nint)p + 63) & ~(nint)63);
        }
    }

    /// <summary>A layer's bias in an aligned buffer (zeros for none).</summary>
    private static Buffer Copy(Parameter? bias, int length)
    {
        var buffer = new Buffer(length);
        buffer.Span.Clear();
        bias?.Value.Data.AsSpan(0, length).CopyTo(buffer.Span);
        return buffer;
    }

    /// <summary>One layer of the plan: items run in any order on any thread.</summary>
    private abstract class Step(Map output)
    {
        public readonly Map Output = output;

        /// <summary>Images a run takes: 1, or the chunk's in the batched tail (<see cref="Batched"/>).</summary>
        public int Images = 1;

        /// <summary>Whether the step can take a chunk of images at once (its maps holding them all).</summary>
        public virtual bool Batched => false;

        /// <summary>The maps the step reads.</summary>
        public abstract IEnumerable<Map> Inputs { get; }

        public abstract int Items(int threads);
        public abstract void Run(int item);
    }

    /// <summary>
    /// The first convolution (+ ReLU), from the NCHW image into the first map, a band of rows an item; or, with a max
    /// pool after it (<see cref="WithPool"/>), the pooled map: the convolution's rows computed into a band in cache and
    /// pooled from there, the rows two bands share kept, so the convolution's map is never written out whole.
    /// </summary>
    private sealed class InputStep : Step
    {
        /// <summary>Pooled rows per band of a fused pool.</summary>
        private const int PoolBandRows = 4;

        private readonly ConvGeometry _g;
        private readonly Buffer _weights, _bias;
        private readonly bool _relu;
        private readonly (int Size, int Stride, int PadTop, int PadLeft) _pool;
        private int _rows;
        public float* Source;

        private InputStep(ConvGeometry g, Buffer weights, Buffer bias, bool relu, Map output,
            (int, int, int, int) pool = default) : base(output)
        {
            (_g, _weights, _bias, _relu, _pool) = (g, weights, bias, relu, pool);
        }

        public static InputStep? Create(Conv2d conv, int height, int width, bool relu)
        {
            var g = conv.GeometryFor(1, height, width);
            if (g.OutHeight <= 0 || g.OutWidth <= 0 || !BlockedInputConvolution.Handles(g)) return null;
            var weights = new Buffer(BlockedInputConvolution.PackedLength(g));
            BlockedInputConvolution.PackWeights(g, conv.Weight.Value.Data, weights.Span);
            var bias = Copy(conv.Bias, g.OutChannels);
            return new InputStep(g, weights, bias, relu, new Map(g.OutChannels, g.OutHeight, g.OutWidth));
        }

        /// <summary>This convolution followed by <paramref name="pool"/> into a map of the pool's size (inside a
        /// border when <paramref name="border"/>), or null when the pool has no output.</summary>
        public InputStep? WithPool(MaxPool2d pool, bool border)
        {
            int h = _g.OutHeight, w = _g.OutWidth, k = pool.KernelSize, s = pool.Stride;
            var (top, bottom) = pool.Padding.Resolve(h, k, s, true);
            var (left, right) = pool.Padding.Resolve(w, k, s, false);
            int oh = (h + top + bottom - k) / s + 1, ow = (w + left + right - k) / s + 1;
            if (oh <= 0 || ow <= 0) return null;
            return new InputStep(_g, _weights, _bias, _relu, new Map(_g.OutChannels, oh, ow, border ? 1 : 0),
                (k, s, top, left));
        }

        public override IEnumerable<Map> Inputs => [];

        public override int Items(int threads)
        {
            int h = Output.Height, items = Math.Min(h, threads > 1 ? 2 * threads : 1);
            _rows = (h + items - 1) / items;
            return (h + _rows - 1) / _rows;
        }

        public override void Run(int item)
        {
            int y0 = item * _rows, y1 = Math.Min(Output.Height, y0 + _rows);
            if (_pool.Size == 0)
            {
                BlockedInputConvolution.Rows(_g, Source, _weights.Pointer, _bias.Pointer, _relu, y0, y1, Output.Pointer,
                    Output.BlockStride);
                return;
            }
            const int L = ChannelBlocks.Lanes;
            var (size, stride, padTop, padLeft) = _pool;
            int ow = _g.OutWidth, blocks = Output.Channels / L, bandRows = (PoolBandRows - 1) * stride + size;
            long rowFloats = (long)ow * L, bandBlock = bandRows * rowFloats;
            float* band = NativeScratch.Get(BandSlot, blocks * bandBlock);
            int have0 = 0, have1 = 0; // the convolution's rows in the band: [have0, have1), from its start
            for (int a = y0; a < y1; a += PoolBandRows)
            {
                int b = Math.Min(y1, a + PoolBandRows);
                int r0 = Math.Max(0, a * stride - padTop), r1 = Math.Min(_g.OutHeight, (b - 1) * stride - padTop + size);
                // Rows the band before computed move to the front; the rest are computed.
                int kept = Math.Max(0, have1 - r0);
                if (kept > 0 && r0 > have0)
                    for (int blk = 0; blk < blocks; blk++)
                        System.Buffer.MemoryCopy(band + blk * bandBlock + (r0 - have0) * rowFloats, band + blk * bandBlock,
                            kept * rowFloats * sizeof(float), kept * rowFloats * sizeof(float));
                BlockedInputConvolution.Rows(_g, Source, _weights.Pointer, _bias.Pointer, _relu, r0 + kept, r1,
                    band - r0 * rowFloats, bandBlock);
                (have0, have1) = (r0, r1);
                for (int blk = 0; blk < blocks; blk++)
                    BlockedMaxPool.Run(band + blk * bandBlock, r1 - r0, ow, size, stride, padTop + r0 - a * stride,
                        padLeft, b - a, Output.Width, null,
                        Output.Origin + blk * Output.BlockStride + a * Output.RowStride, Output.RowStride);
            }
        }
    }

    /// <summary>Depthwise 3×3 then pointwise with bias (+ residual) (+ ReLU), a band of rows an item.</summary>
    private sealed class SeparableStep : Step
    {
        private readonly Map _input;
        private readonly bool _reluInput;
        private readonly Buffer _depthwise, _pointwise, _bias;
        public bool ReluOutput;
        public Map? Residual;

        private SeparableStep(Map input, Map output, bool reluInput, Buffer depthwise, Buffer pointwise, Buffer bias)
            : base(output)
        {
            (_input, _reluInput, _depthwise, _pointwise, _bias) = (input, reluInput, depthwise, pointwise, bias);
        }

        public static SeparableStep? Create(SeparableConv2d sep, Map x, bool reluInput)
        {
            Conv2d dw = sep.Depthwise, pw = sep.Pointwise;
            var dg = dw.GeometryFor(1, x.Height, x.Width);
            var pg = pw.GeometryFor(1, x.Height, x.Width);
            if (x.Pad != 0 || dw.InChannels != x.Channels || dw.Groups != x.Channels || dw.OutChannels != x.Channels
                || dw.KernelSize != 3 || dw.Stride != 1 || dw.Bias is not null
                || dg.PadTop != 1 || dg.PadBottom != 1 || dg.PadLeft != 1 || dg.PadRight != 1
                || pw.KernelSize != 1 || pw.Stride != 1 || pw.Groups != 1 || pg.PadTop != 0 || pg.PadBottom != 0
                || pg.PadLeft != 0 || pg.PadRight != 0 || !BlockedPointwise.Handles(x.Channels, pw.OutChannels)
                || pw.Bias is null)
                return null;
            var depthwise = new Buffer(BlockedDepthwise3x3.PackedLength(x.Channels));
            BlockedDepthwise3x3.PackWeights(dw.Weight.Value.Data, x.Channels, depthwise.Span);
            var pointwise = new Buffer(BlockedPointwise.PackedLength(x.Channels, pw.OutChannels));
            BlockedPointwise.PackWeights(pw.Weight.Value.Data, x.Channels, pw.OutChannels, pointwise.Span);
            var bias = Copy(pw.Bias, pw.OutChannels);
            return new SeparableStep(x, new Map(pw.OutChannels, x.Height, x.Width), reluInput, depthwise, pointwise, bias);
        }

        private int _rows;

        public override IEnumerable<Map> Inputs => Residual is null ? [_input] : [_input, Residual];

        public override int Items(int threads)
        {
            int h = _input.Height, rowBytes = 4 * _input.Channels * _input.Width;
            int rows = Math.Clamp(BandBytes / rowBytes, 1, h);
            if (threads > 1) rows = Math.Min(rows, Math.Max(1, (h + threads - 1) / threads));
            int bands = (h + rows - 1) / rows;
            _rows = (h + bands - 1) / bands;
            return (h + _rows - 1) / _rows;
        }

        public override void Run(int item)
        {
            int c = _input.Channels, h = _input.Height, w = _input.Width;
            int y0 = item * _rows, y1 = Math.Min(h, y0 + _rows), pixels = (y1 - y0) * w;
            const int L = ChannelBlocks.Lanes;
            float* band = NativeScratch.Get(BandSlot, (long)c * pixels);
            {
                float* k = _depthwise.Pointer, a = _pointwise.Pointer, b = _bias.Pointer;
                for (int cb = 0; cb < c / L; cb++)
                    BlockedDepthwise3x3.Rows(_input.Pointer + cb * _input.BlockStride, h, w, k + cb * 9 * L, _reluInput,
                        y0, y1, band + (long)cb * pixels * L);
                long at = (long)y0 * w * L;
                BlockedPointwise.Run(c, Output.Channels, pixels, band, (long)pixels * L, a, b,
                    Residual is null ? null : Residual.Pointer + at, Residual?.BlockStride ?? 0, ReluOutput,
                    Output.Pointer + at, Output.BlockStride);
            }
        }
    }

    /// <summary>A 1×1 convolution with bias at a stride (no padding), a band of output rows an item.</summary>
    private sealed class ShortcutStep : Step
    {
        private readonly Map _input;
        private readonly int _stride;
        private readonly Buffer _weights, _bias;
        private int _rows;

        private ShortcutStep(Map input, Map output, int stride, Buffer weights, Buffer bias) : base(output)
        {
            (_input, _stride, _weights, _bias) = (input, stride, weights, bias);
        }

        public static ShortcutStep? Create(Conv2d conv, Map x)
        {
            var g = conv.GeometryFor(1, x.Height, x.Width);
            if (x.Pad != 0 || conv.KernelSize != 1 || conv.Groups != 1 || conv.InChannels != x.Channels
                || conv.Bias is null
                || g.PadTop != 0 || g.PadLeft != 0 || g.PadBottom != 0 || g.PadRight != 0
                || !BlockedPointwise.Handles(x.Channels, conv.OutChannels)
                || g.OutHeight != (x.Height + conv.Stride - 1) / conv.Stride
                || g.OutWidth != (x.Width + conv.Stride - 1) / conv.Stride)
                return null;
            var weights = new Buffer(BlockedPointwise.PackedLength(x.Channels, conv.OutChannels));
            BlockedPointwise.PackWeights(conv.Weight.Value.Data, x.Channels, conv.OutChannels, weights.Span);
            var bias = Copy(conv.Bias, conv.OutChannels);
            return new ShortcutStep(x, new Map(conv.OutChannels, g.OutHeight, g.OutWidth), conv.Stride, weights, bias);
        }

        public override IEnumerable<Map> Inputs => [_input];

        public override int Items(int threads)
        {
            int h = Output.Height;
            _rows = threads > 1 ? (h + threads - 1) / threads : h;
            return (h + _rows - 1) / _rows;
        }

        public override void Run(int item)
        {
            int c = _input.Channels, ow = Output.Width;
            int y0 = item * _rows, y1 = Math.Min(Output.Height, y0 + _rows), pixels = (y1 - y0) * ow;
            const int L = ChannelBlocks.Lanes;
            float* x = _input.Pointer;
            long stride = _input.BlockStride;
            if (_stride != 1 || _rows != Output.Height)
            {
                x = NativeScratch.Get(SampleSlot, (long)c * pixels);
                ChannelBlocks.Subsample(_input.Pointer, c, _input.Height, _input.Width, _stride, y0, y1, x);
                stride = (long)pixels * L;
            }
            BlockedPointwise.Run(c, Output.Channels, pixels, x, stride, _weights.Pointer, _bias.Pointer, null, 0, false,
                Output.Pointer + (long)y0 * ow * L, Output.BlockStride);
        }
    }

    /// <summary>A max pool (+ the residual), a block of channels an item.</summary>
    private sealed class PoolStep(Map input, Map output, int size, int stride, int padTop, int padLeft) : Step(output)
    {
        public Map? Residual;

        public override IEnumerable<Map> Inputs => Residual is null ? [input] : [input, Residual];

        public override int Items(int threads) => Output.Channels / ChannelBlocks.Lanes;

        public override void Run(int item) =>
            BlockedMaxPool.Run(input.Pointer + item * input.BlockStride, input.Height, input.Width, size, stride, padTop,
                padLeft, Output.Height, Output.Width,
                Residual is null ? null : Residual.Origin + item * Residual.BlockStride,
                Output.Origin + item * Output.BlockStride, Output.RowStride);
    }

    /// <summary>Runs the items of the current step on the worker pool.</summary>
    private sealed class StepJob : ParallelJob
    {
        public Step? Step;

        public override void Execute(int item) => Step!.Run(item);
    }
}
