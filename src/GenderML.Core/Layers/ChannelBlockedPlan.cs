using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Layers;

/// <summary>
/// A frozen network's forward pass in the channel-blocked layout (<see cref="ChannelBlocks"/>) from its first layer to
/// its last: the first convolution reads the NCHW image and writes a blocked map (<see cref="BlockedInputConvolution"/>);
/// then separable convolutions (<see cref="BlockedDepthwise3x3"/> then <see cref="BlockedPointwise"/> in bands of rows,
/// the band's depthwise output in cache), 1×1 strided shortcuts, max pools with the shortcut added
/// (<see cref="BlockedMaxPool"/>), ReLUs and identity residuals folded into the convolutions; the last map is converted
/// back to NCHW. Buffers are planned once: each map takes a buffer freed by a map no longer read.
/// </summary>
/// <remarks>
/// Built by <see cref="TryCreate"/> from a <see cref="Sequential"/> of exactly those layers (else null) — face-api's
/// TinyXception — for one input size, on AVX-512. Every value is computed as the plain-layout kernels compute it (same
/// FMA chains, same epilogue order), so the output equals the network's own, bit for bit. Evaluation only; a batch
/// runs image by image, each step of an image split into bands over <see cref="ComputeOptions.Threads"/>. An input of
/// another shape runs through the network itself.
/// </remarks>
internal sealed unsafe class ChannelBlockedPlan : Layer
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
    /// (channel counts in whole blocks, separable depthwise 3×3 at stride 1 with one pixel of padding).
    /// </summary>
    public static ChannelBlockedPlan? TryCreate(Sequential network, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!Avx512F.IsSupported || network.Layers.Count == 0 || network.Layers[0] is not Conv2d first) return null;
        bool relu = network.Layers.Count > 1 && network.Layers[1] is ReLU;
        if (first.InChannels != channels || InputStep.Create(first, height, width, relu) is not { } input) return null;
        var plan = new ChannelBlockedPlan(network, channels, height, width, input);
        var layers = network.Layers.Skip(relu ? 2 : 1).ToList();
        return plan.Add(layers, input.Output) is { } last ? plan.Finish(last) : null;
    }

    /// <summary>Adds the steps of <paramref name="layers"/> applied to <paramref name="input"/>; their output, or null
    /// when a layer is not supported.</summary>
    private Map? Add(IReadOnlyList<Layer> layers, Map input)
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
                    if (oh <= 0 || ow <= 0) return null;
                    var pooled = new PoolStep(x, new Map(x.Channels, oh, ow), pool.KernelSize, pool.Stride, top, left);
                    Add(pooled, x);
                    x = pooled.Output;
                    break;
                }
                case Residual residual when residual.Main is Sequential main:
                    if (AddResidual(residual, main, x) is not { } y) return null;
                    x = y;
                    break;
                default:
                    return null;
            }
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
            case PoolStep pool when pool.Residual is null:
                pool.Residual = shortcut;
                break;
            case SeparableStep sep when sep.Residual is null && !sep.ReluOutput:
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
        var free = new List<Buffer>();
        Buffer Take(long floats)
        {
            int best = -1;
            for (int i = 0; i < free.Count; i++)
                if (free[i].Floats >= floats && (best < 0 || free[i].Floats < free[best].Floats)) best = i;
            if (best < 0) return new Buffer(floats);
            var b = free[best];
            free.RemoveAt(best);
            return b;
        }
        var firstMap = _first.Output;
        firstMap.Buffer = Take(firstMap.Floats);
        var live = new List<Map> { firstMap };
        for (int i = 0; i < _steps.Count; i++)
        {
            var output = _steps[i].Output;
            output.Buffer = Take(output.Floats);
            live.Add(output);
            foreach (var map in live.Where(m => m.LastUse <= i).ToList())
            {
                free.Add(map.Buffer!);
                live.Remove(map);
            }
        }
        return this;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4 || input.Dim(1) != _channels || input.Dim(2) != _height || input.Dim(3) != _width)
            return _source.Forward(input);
        int n = input.Dim(0), threads = Math.Max(1, Compute.Threads);
        var output = TensorBuffers.Ensure(ref _output, n, _last.Channels, _last.Height, _last.Width);
        int perImage = input.Length / n, outPerImage = _last.Floats;
        fixed (float* x = input.Data, y = output.Data)
            for (int image = 0; image < n; image++)
            {
                _first.Source = x + (long)image * perImage;
                Run(_first, threads, 0);
                for (int i = 0; i < _steps.Count; i++) Run(_steps[i], threads, i + 1);
                ChannelBlocks.ToPlanar(_last.Pointer, _last.Channels, _last.Height * _last.Width,
                    y + (long)image * outPerImage);
            }
        return output;
    }

    /// <summary>Not available: the plan serves evaluation only.</summary>
    public override Tensor Backward(Tensor gradOutput) =>
        throw new InvalidOperationException("ChannelBlockedPlan serves evaluation only; train the source network");

    /// <summary>When set (one entry a step, <see cref="StepNames"/>' order), each step's wall time is added to it, in
    /// <see cref="System.Diagnostics.Stopwatch"/> ticks: the benchmarks' per-layer profile.</summary>
    internal long[]? StepTicks;

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

    /// <summary>An intermediate map of the plan (channels × height × width, blocked) and the buffer it is given.</summary>
    private sealed class Map(int channels, int height, int width)
    {
        public readonly int Channels = channels, Height = height, Width = width;
        public int LastUse = -1;
        public Buffer? Buffer;
        public int Floats => Channels * Height * Width;
        public float* Pointer => Buffer!.Pointer;
        public long BlockStride => (long)Height * Width * ChannelBlocks.Lanes;
    }

    /// <summary>A 64-byte aligned float buffer on the pinned heap: a map, or packed weights (whose vector loads then
    /// never straddle two cache lines).</summary>
    private sealed class Buffer
    {
        private readonly float[] _data;
        public readonly long Floats;
        public readonly float* Pointer;

        /// <summary>The buffer's floats.</summary>
        public Span<float> Span => new(Pointer, (int)Floats);

        public Buffer(long floats)
        {
            Floats = floats;
            _data = GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true);
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
        public abstract int Items(int threads);
        public abstract void Run(int item);
    }

    /// <summary>The first convolution (+ ReLU), from the NCHW image into the first map, a band of rows an item.</summary>
    private sealed class InputStep : Step
    {
        private readonly ConvGeometry _g;
        private readonly Buffer _weights, _bias;
        private readonly bool _relu;
        private int _rows;
        public float* Source;

        private InputStep(ConvGeometry g, Buffer weights, Buffer bias, bool relu)
            : base(new Map(g.OutChannels, g.OutHeight, g.OutWidth))
        {
            (_g, _weights, _bias, _relu) = (g, weights, bias, relu);
        }

        public static InputStep? Create(Conv2d conv, int height, int width, bool relu)
        {
            var g = conv.GeometryFor(1, height, width);
            if (g.OutHeight <= 0 || g.OutWidth <= 0 || !BlockedInputConvolution.Handles(g)) return null;
            var weights = new Buffer(BlockedInputConvolution.PackedLength(g));
            BlockedInputConvolution.PackWeights(g, conv.Weight.Value.Data, weights.Span);
            var bias = Copy(conv.Bias, g.OutChannels);
            return new InputStep(g, weights, bias, relu);
        }

        public override int Items(int threads)
        {
            int h = _g.OutHeight, items = Math.Min(h, threads > 1 ? 2 * threads : 1);
            _rows = (h + items - 1) / items;
            return (h + _rows - 1) / _rows;
        }

        public override void Run(int item)
        {
            int y0 = item * _rows, y1 = Math.Min(_g.OutHeight, y0 + _rows);
            BlockedInputConvolution.Rows(_g, Source, _weights.Pointer, _bias.Pointer, _relu, y0, y1, Output.Pointer);
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
            if (dw.InChannels != x.Channels || dw.Groups != x.Channels || dw.OutChannels != x.Channels
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
            if (conv.KernelSize != 1 || conv.Groups != 1 || conv.InChannels != x.Channels || conv.Bias is null
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

        public override int Items(int threads) => Output.Channels / ChannelBlocks.Lanes;

        public override void Run(int item) =>
            BlockedMaxPool.Run(input.Pointer + item * input.BlockStride, input.Height, input.Width, size, stride, padTop,
                padLeft, Output.Height, Output.Width,
                Residual is null ? null : Residual.Pointer + item * Residual.BlockStride,
                Output.Pointer + item * Output.BlockStride);
    }

    /// <summary>Runs the items of the current step on the worker pool.</summary>
    private sealed class StepJob : ParallelJob
    {
        public Step? Step;

        public override void Execute(int item) => Step!.Run(item);
    }
}
