namespace GenderML.Core.Kernels;

/// <summary>
/// Forward of a depthwise 3×3 convolution (<see cref="Depthwise3x3"/>) followed by a 1×1 one
/// (<see cref="PointwiseConvolution"/>) in bands of an image's output rows: the depthwise output of one band
/// goes to the thread's scratch, where the pointwise GEMM reads it while it is still in cache, instead of a
/// batch-sized tensor written to memory and read back. Each value is computed exactly as by the two kernels in turn.
/// </summary>
/// <remarks>Work items are (image, band); with fewer images than threads the bands are cut smaller, so every thread
/// has one. Band sizes do not change any value. With a <see cref="SeparablePool"/>, each band's output goes to scratch instead
/// and is max-pooled 2×2/2 (<see cref="Ops.MaxPoolSmall"/>) and leaky-ReLU'd into the pooled output while in cache;
/// bands then hold an even number of rows, so no pooling window straddles two.</remarks>
internal static unsafe class SeparableConvolution
{
    private const int DepthwiseSlot = 5, BandSlot = 4;

    /// <summary>Bytes of depthwise output per band: inside a core's L2 (1 MB here), and a 28×28 map of 128 channels
    /// or a 14×14 map of 256 in one band (fewer bands, fewer part-filled register blocks at their ends).</summary>
    private const int BandBytes = 512 * 1024;

    /// <summary>
    /// <paramref name="depthwise"/>: the depthwise operands (input x, its weights; output unused);
    /// <paramref name="pointwise"/>: the 1×1 operands (input unused; weights, bias, residual, ReLU, output).
    /// </summary>
    public static void Forward(in ConvOperands depthwise, bool reluInput, in ConvOperands pointwise, int threads,
        float* packed = null, SeparablePool pool = default)
        => Forward(depthwise, reluInput, pointwise, threads, GemmBlocking.BestIsa, packed, pool);

    /// <summary>
    /// The forward pass on <paramref name="isa"/> (tests run every instruction set the machine has), with the
    /// pointwise weights as <see cref="PointwiseConvolution.PackWeights"/> left them in <paramref name="packed"/>, or
    /// packed here when it is null.
    /// </summary>
    public static void Forward(in ConvOperands depthwise, bool reluInput, in ConvOperands pointwise, int threads,
        GemmIsa isa, float* packed = null, SeparablePool pool = default)
    {
        var g = depthwise.G;
        int band = BandRows(g, pool.Output != null, threads), bands = (g.OutHeight + band - 1) / band;
        PointwiseConvolution.Pack(pointwise.G, pointwise.Weight, isa, Pitch(g, band), packed, out float* a,
            out int* offsets);
        var job = JobCache<Job>.Rent();
        job.Set(depthwise, reluInput, pointwise, isa, a, offsets, pool, band, bands);
        JobCache<Job>.RunAndReturn(job, g.Batch * bands, threads);
    }

    /// <summary>Output rows per band: the band's depthwise output (C × rows × OW) at most about
    /// <see cref="BandBytes"/>, bands enough for every thread when images are fewer, all about the same size; a whole
    /// number of 32-column register blocks when that still leaves a band (no edge block per band); even when the band
    /// is pooled (unless it is the whole image).</summary>
    private static int BandRows(in ConvGeometry g, bool even, int threads)
    {
        int ow = g.OutWidth, oh = g.OutHeight, rows = Math.Clamp(BandBytes / (4 * g.InChannels * ow), 1, oh);
        if (g.Batch < threads)
        {
            int perImage = (threads + g.Batch - 1) / g.Batch;
            rows = Math.Min(rows, Math.Max(even ? 2 : 1, (oh + perImage - 1) / perImage));
        }
        // Bands of about equal size: no short band left over.
        int bands = (oh + rows - 1) / rows;
        rows = (oh + bands - 1) / bands;
        int step = 32 >> Math.Min(System.Numerics.BitOperations.TrailingZeroCount(ow), 5);
        if (rows < oh && rows >= step) rows = rows / step * step;
        return even && rows < oh ? Math.Max(2, rows & ~1) : rows;
    }

    /// <summary>Floats between channels of a band's depthwise output: rows·OW rounded up to a 64-byte line, so the
    /// pointwise kernel's vector loads do not straddle cache lines.</summary>
    private static int Pitch(in ConvGeometry g, int rows) => (rows * g.OutWidth + 15) & ~15;

    /// <summary>Band <paramref name="index"/> (<paramref name="band"/> output rows) of image <paramref name="n"/>.
    /// </summary>
    private static void Band(in ConvOperands dw, bool reluInput, in ConvOperands pw, GemmIsa isa, float* a,
        int* offsets, in SeparablePool pool, int band, int n, int index)
    {
        var g = dw.G;
        bool pooling = pool.Output != null;
        int c = g.InChannels, oc = pw.G.OutChannels, oh = g.OutHeight, ow = g.OutWidth;
        int pitch = Pitch(g, band);
        // NR floats of slack: the pointwise kernel's edge block reads that far past the band.
        float* map = NativeScratch.Get(DepthwiseSlot, (long)c * pitch + 64);
        float* sep = pooling ? NativeScratch.Get(BandSlot, (long)oc * pitch) : null;
        var one = new ConvOperands(g with { Batch = 1 }, dw.Input + (long)n * c * g.InHeight * g.InWidth, dw.Weight,
            null, null);
        int y0 = index * band, y1 = Math.Min(oh, y0 + band), rows = y1 - y0;
        Depthwise3x3.Rows(one, reluInput, isa, 0, c, y0, y1, map, pitch);
        if (!pooling)
        {
            PointwiseConvolution.Columns(pw, isa, a, offsets, map, pitch, n, y0 * ow, rows * ow, readPast: true);
            return;
        }
        // The band as an image of its own in scratch, then pooled into its rows of the output.
        var bandOps = new ConvOperands(pw.G with { Batch = 1, InHeight = rows, InWidth = ow }, null, pw.Weight,
            pw.Bias, sep);
        PointwiseConvolution.Columns(bandOps, isa, a, offsets, map, pitch, 0, 0, rows * ow, readPast: true);
        var pg = new Ops.PoolGeometry(oc, rows, ow, 2, 2, 0, 0, y1 == oh ? pool.PadBottom : 0, pool.PadRight);
        long outPlane = (long)pool.Height * pool.Width;
        float* dst = pool.Output + (long)n * oc * outPlane + (long)(y0 / 2) * pool.Width;
        Ops.MaxPoolSmall.Forward(pg, sep, dst, outPlane, 0, oc);
        int length = pg.OutHeight * pool.Width;
        for (int o = 0; o < oc; o++)
        {
            var pooled = new Span<float>(dst + o * outPlane, length);
            Ops.Elementwise.LeakyRelu(pooled, pool.NegativeSlope, pooled);
        }
    }

    /// <summary>One (image, band) per item; one instance per calling thread, reused.</summary>
    private sealed class Job : ParallelJob
    {
        private ConvOperands _dw, _pw;
        private bool _reluInput;
        private GemmIsa _isa;
        private float* _a;
        private int* _offsets;
        private SeparablePool _pool;
        private int _band, _bands;

        public void Set(in ConvOperands dw, bool reluInput, in ConvOperands pw, GemmIsa isa, float* a, int* offsets,
            in SeparablePool pool, int band, int bands)
        {
            _pool = pool;
            _band = band;
            _bands = bands;
            _dw = dw;
            _reluInput = reluInput;
            _pw = pw;
            _isa = isa;
            _a = a;
            _offsets = offsets;
        }

        public override void Execute(int item) =>
            Band(_dw, _reluInput, _pw, _isa, _a, _offsets, _pool, _band, item / _bands, item % _bands);
    }
}

/// <summary>
/// A 2×2, stride-2 max pool (no padding before, <see cref="PadBottom"/> and <see cref="PadRight"/> after, at most 1)
/// then a leaky ReLU of slope <see cref="NegativeSlope"/> ≥ 0, applied to a separable convolution's output, written
/// to <see cref="Output"/> (N × OC × <see cref="Height"/> × <see cref="Width"/>). The default pools nothing.
/// </summary>
internal readonly unsafe struct SeparablePool(float* output, int height, int width, int padBottom, int padRight,
    float negativeSlope)
{
    public readonly float* Output = output;
    public readonly int Height = height, Width = width, PadBottom = padBottom, PadRight = padRight;
    public readonly float NegativeSlope = negativeSlope;
}
