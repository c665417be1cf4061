using System.Runtime.Intrinsics;
using GenderML.Core.Kernels;

namespace GenderML.Core.Layers;

/// <summary>
/// The plan's residual blocks of two 3×3 convolutions (<see cref="IConvPairBlock"/>, the face ResNet's): every map
/// stored inside a border of one zero pixel, so each convolution (<see cref="BlockedConvolution"/>) reads its padding
/// without a test; ReLU, bias and the shortcut in the second convolution's output pass; a downsampling block's shortcut
/// pooled first (<see cref="AvgPoolStep"/>). Values differ from the plain layers' by rounding (another FMA order, and
/// direct convolution where the layers may run Winograd).
/// </summary>
internal sealed unsafe partial class ChannelBlockedPlan
{
    /// <summary>The steps of <paramref name="block"/> applied to <paramref name="x"/> (a map inside a border); its
    /// output, or null when the block is not of the supported form.</summary>
    private Map? AddConvPair(IConvPairBlock block, Map x)
    {
        if (block.Convolutions is not var (conv1, conv2) || x.Pad < 1) return null;
        if (ConvStep.Create(conv1, x, relu: true, output: null, residual: null) is not { } first) return null;
        Add(first, x);
        var a = first.Output;
        if (!block.Down)
        {
            if (ConvStep.Create(conv2, a, relu: true, output: null, residual: x) is not { } second
                || second.Output.Channels != x.Channels || second.Output.Height != x.Height
                || second.Output.Width != x.Width)
                return null;
            Add(second, a);
            x.LastUse = Math.Max(x.LastUse, _steps.Count - 1);
            return second.Output;
        }
        // [pool(x), 0] + the branch zero-padded bottom/right: the pool is laid out as the block's output.
        int ph = x.Height / 2, pw = x.Width / 2;
        if (ph == 0 || pw == 0 || conv2.OutChannels < x.Channels) return null;
        var pool = new AvgPoolStep(x, new Map(x.Channels, ph, pw, 1));
        Add(pool, x);
        var y = new Map(conv2.OutChannels, ph, pw, 1);
        if (ConvStep.Create(conv2, a, relu: true, output: y, residual: pool.Output) is not { } last) return null;
        Add(last, a);
        pool.Output.LastUse = Math.Max(pool.Output.LastUse, _steps.Count - 1);
        return y;
    }

    /// <summary>
    /// A convolution with bias (+ the residual on its first channels) (+ ReLU) between maps inside borders; when its
    /// output map is larger than the convolution's (a downsampling block's), the rest is the residual (+ ReLU), zero
    /// beyond the residual's channels. Items are groups of output channels, or ranges of pixels.
    /// </summary>
    private sealed class ConvStep : Step
    {
        private readonly Map _input;
        private readonly int _kernel, _stride, _height, _width, _padTop, _padLeft;
        private readonly Buffer _weights, _bias;
        private readonly bool _relu;
        private readonly Map? _residual;
        private int _groupsPerItem, _pixelsPerItem;

        private ConvStep(Map input, Map output, ConvGeometry g, Buffer weights, Buffer bias, bool relu, Map? residual)
            : base(output)
        {
            (_input, _weights, _bias, _relu, _residual) = (input, weights, bias, relu, residual);
            (_kernel, _stride, _height, _width) = (g.KernelHeight, g.StrideHeight, g.OutHeight, g.OutWidth);
            (_padTop, _padLeft) = (g.PadTop, g.PadLeft);
        }

        /// <summary>The step of <paramref name="conv"/> on <paramref name="x"/>, into <paramref name="output"/> (a new
        /// map of the convolution's size when null); null when the kernel does not take it.</summary>
        public static ConvStep? Create(Conv2d conv, Map x, bool relu, Map? output, Map? residual)
        {
            var g = conv.GeometryFor(1, x.Height, x.Width);
            if (conv.InChannels != x.Channels || conv.Groups != 1 || conv.Bias is null || g.OutHeight <= 0
                || g.OutWidth <= 0 || g.KernelHeight != g.KernelWidth || g.StrideHeight != g.StrideWidth
                || Math.Max(Math.Max(g.PadTop, g.PadBottom), Math.Max(g.PadLeft, g.PadRight)) > x.Pad
                || !BlockedConvolution.Handles(x.Channels, conv.OutChannels, g.KernelHeight, g.StrideHeight,
                    g.OutWidth))
                return null;
            output ??= new Map(conv.OutChannels, g.OutHeight, g.OutWidth, 1);
            if (output.Channels != conv.OutChannels || output.Height < g.OutHeight || output.Width < g.OutWidth
                || residual is not null && (residual.Height != output.Height || residual.Width != output.Width
                    || residual.Pad != output.Pad || residual.Channels > output.Channels))
                return null;
            float[] w = conv.Weight.Value.Data;
            if (g.InHeight == 1 && g.InWidth == 1 && g.OutHeight == 1 && g.OutWidth == 1)
            {
                // One pixel in and out: every tap but the one on the pixel reads padding and adds nothing, so the
                // convolution is that tap's 1×1 (the same values).
                int k = g.KernelHeight, tap = g.PadTop * k + g.PadLeft;
                var center = new float[conv.OutChannels * x.Channels];
                for (int i = 0; i < center.Length; i++) center[i] = w[i * k * k + tap];
                (w, g) = (center, new ConvGeometry(1, x.Channels, 1, 1, conv.OutChannels, 1, 1));
            }
            var weights = new Buffer(BlockedConvolution.PackedLength(x.Channels, conv.OutChannels, g.KernelHeight));
            BlockedConvolution.PackWeights(w, x.Channels, conv.OutChannels, g.KernelHeight, weights.Span);
            return new ConvStep(x, output, g, weights, Copy(conv.Bias, conv.OutChannels), relu, residual);
        }

        public override bool Batched => true;

        public override IEnumerable<Map> Inputs => _residual is null ? [_input] : [_input, _residual];

        /// <summary>Bytes of the packed weights, and of the maps read and written for one image.</summary>
        public long WeightBytes => _weights.Floats * sizeof(float);
        public long MapBytes => (_input.ImageFloats + Output.ImageFloats) * sizeof(float);

        public override int Items(int threads)
        {
            int groups = BlockedConvolution.Groups(Output.Channels), pixels = Images * _height * _width;
            int step = BlockedConvolution.PixelStep(Output.Channels, _width);
            if (threads <= 1) (_groupsPerItem, _pixelsPerItem) = (groups, pixels);
            else if (groups >= threads) (_groupsPerItem, _pixelsPerItem) = ((groups + threads - 1) / threads, pixels);
            else
            {
                int steps = (pixels + step - 1) / step;
                (_groupsPerItem, _pixelsPerItem) = (groups, Math.Max(1, (steps + threads - 1) / threads) * step);
            }
            return (groups + _groupsPerItem - 1) / _groupsPerItem * ((pixels + _pixelsPerItem - 1) / _pixelsPerItem);
        }

        public override void Run(int item)
        {
            int groups = BlockedConvolution.Groups(Output.Channels), pixels = Images * _height * _width;
            int pixelItems = (pixels + _pixelsPerItem - 1) / _pixelsPerItem;
            int g0 = item / pixelItems * _groupsPerItem, p0 = item % pixelItems * _pixelsPerItem;
            var x = _input.View;
            var window = new BlockedView(x.Origin - _padTop * x.RowStride - _padLeft * ChannelBlocks.Lanes, x.BlockStride,
                x.RowStride, x.ImageStride);
            BlockedConvolution.Run(_input.Channels, Output.Channels, _kernel, _stride, window, _weights.Pointer,
                _bias.Pointer, _residual?.View ?? BlockedView.None, (_residual?.Channels ?? 0) / ChannelBlocks.Lanes,
                _relu, Output.View, _height, _width, g0, Math.Min(groups, g0 + _groupsPerItem), p0,
                Math.Min(pixels, p0 + _pixelsPerItem));
            if (item == 0 && (_height < Output.Height || _width < Output.Width)) FillBeyond();
        }

        /// <summary>The output's pixels outside the convolution's: the residual (+ ReLU), zero beyond its channels.
        /// </summary>
        private void FillBeyond()
        {
            const int L = ChannelBlocks.Lanes;
            var y = Output.View;
            var r = _residual?.View ?? BlockedView.None;
            int residualBlocks = (_residual?.Channels ?? 0) / L;
            for (int n = 0; n < Images; n++)
            for (int b = 0; b < Output.Channels / L; b++)
            for (int oy = 0; oy < Output.Height; oy++)
            for (int ox = oy < _height ? _width : 0; ox < Output.Width; ox++)
            {
                long at = b * y.BlockStride + oy * y.RowStride + ox * L;
                var v = b < residualBlocks ? Vector512.Load(r.Origin + n * r.ImageStride + at) : Vector512<float>.Zero;
                (_relu ? Vector512.Max(v, Vector512<float>.Zero) : v).Store(y.Origin + n * y.ImageStride + at);
            }
        }
    }

    /// <summary>A 2×2/2 average pool without padding (the last row or column of an odd map left out), a block of
    /// channels of an image an item.</summary>
    private sealed class AvgPoolStep(Map input, Map output) : Step(output)
    {
        public override bool Batched => true;

        public override IEnumerable<Map> Inputs => [input];

        public override int Items(int threads) => Images * (Output.Channels / ChannelBlocks.Lanes);

        public override void Run(int item)
        {
            const int L = ChannelBlocks.Lanes;
            var x = input.View;
            var y = Output.View;
            var quarter = Vector512.Create(0.25f);
            int blocks = Output.Channels / L, n = item / blocks, b = item % blocks;
            for (int oy = 0; oy < Output.Height; oy++)
            {
                float* s = x.Origin + n * x.ImageStride + b * x.BlockStride + 2 * oy * x.RowStride;
                float* d = y.Origin + n * y.ImageStride + b * y.BlockStride + oy * y.RowStride;
                for (int ox = 0; ox < Output.Width; ox++, s += 2 * L, d += L)
                {
                    var sum = Vector512.Load(s) + Vector512.Load(s + L) + Vector512.Load(s + x.RowStride)
                        + Vector512.Load(s + x.RowStride + L);
                    (sum * quarter).Store(d);
                }
            }
        }
    }
}
