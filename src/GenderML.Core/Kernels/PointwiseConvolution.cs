using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// Forward 1×1 convolution without padding as a GEMM straight over the feature map: per image,
/// <c>Y (OC × OH·OW) = W (OC × C) · X (C × OH·OW)</c>, where X — the map itself, row c at <c>c·OH·OW</c> — is the B
/// operand of <see cref="DirectMicroKernels"/> through one offset per K step; only the weights are packed. A stride
/// above 1 first gathers the sampled pixels into a scratch map. Full register blocks are stored into the output and
/// get their bias, residual and ReLU (<see cref="ConvEpilogue.Row"/>) while in L1; blocks at the right edge of the map
/// or past the last output channel run on scratch copies.
/// </summary>
/// <remarks>
/// Each output value is one accumulator chain over the input channels in order, whatever the thread count or the
/// split of the work, so results are bit-identical across threads. Work items are (image, run of column blocks).
/// </remarks>
internal static unsafe class PointwiseConvolution
{
    /// <summary>Scratch slots: packed weights and offsets (calling thread, slot 7), the gathered map of a strided
    /// convolution (slot 6), the edge block's B and C (slot 3).</summary>
    private const int WeightSlot = 7, GatherSlot = 6, EdgeSlot = 3;

    /// <summary>Most K steps of a wide register block per pass: its B rows (49 floats each) then take 25 KB, half of
    /// a 48 KB L1, beside the A slivers streaming through.</summary>
    private const int KRange = 128;


    /// <summary>K steps per pass of a wide register block for <paramref name="k"/> input channels: ranges of at most
    /// <see cref="KRange"/>, all about the same length, so the B rows of a range stay in L1 across the slivers (the
    /// partial sums wait in the output).</summary>
    internal static int KRangeSteps(int k)
    {
        int ranges = (k + KRange - 1) / KRange;
        return (k + ranges - 1) / ranges;
    }

    /// <summary>Whether this kernel takes the forward pass of <paramref name="g"/>: 1×1, ungrouped, unpadded.</summary>
    public static bool Handles(in ConvGeometry g) =>
        g.Groups == 1 && g.KernelHeight == 1 && g.KernelWidth == 1
        && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;

    public static void Forward(in ConvOperands ops, int threads) => Forward(ops, threads, GemmBlocking.BestIsa);

    /// <summary>
    /// The forward pass on <paramref name="isa"/> (tests run every instruction set the machine has), with the weights
    /// as <see cref="PackWeights"/> left them in <paramref name="packed"/>, or packed here when it is null.
    /// </summary>
    public static void Forward(in ConvOperands ops, int threads, GemmIsa isa, float* packed = null)
    {
        var g = ops.G;
        var (mr, nr) = DirectConvolution.Block(isa);
        int hw = g.OutHeight * g.OutWidth;
        // A frozen layer's cache: the direct kernel's slivers are this kernel's layout for a 1×1 convolution.
        if (packed == null && ops.Packed is { } cache) packed = cache.Direct(ops.Weight, g, mr);
        Pack(g, ops.Weight, isa, hw, packed, out float* a, out int* offsets);
        int blocks = (hw + nr - 1) / nr;
        int parts = threads <= 1 || g.Batch >= 2 * threads ? 1
            : Math.Min(blocks, (2 * threads + g.Batch - 1) / g.Batch);
        var work = JobCache<Work>.Rent();
        work.Set(ops, isa, a, offsets, parts);
        int items = g.Batch * parts;
        JobCache<Work>.RunAndReturn(work, items, threads);
    }

    /// <summary>Floats <see cref="PackWeights"/> writes for <paramref name="g"/> on <paramref name="isa"/>.</summary>
    public static int PackedLength(in ConvGeometry g, GemmIsa isa)
    {
        int mr = DirectConvolution.Block(isa).MR;
        return (g.OutChannels + mr - 1) / mr * mr * g.InChannels;
    }

    /// <summary>
    /// <c>a[(o / MR)·K·MR + p·MR + o % MR] = w[o, p]</c>, zero for o ≥ OC: slivers of MR output channels, K steps of
    /// MR values, as the register blocks of <paramref name="isa"/> read them. A frozen layer does this once.
    /// </summary>
    public static void PackWeights(in ConvGeometry g, float* weight, GemmIsa isa, float* a) =>
        DirectConvolution.PackWeights(weight, g.OutChannels, g.InChannels, DirectConvolution.Block(isa).MR, a);

    /// <summary>
    /// The packed weights (<paramref name="packed"/>, or packed into this thread's scratch when null), then in scratch
    /// the offsets of the K rows of B in the map (c·<paramref name="pitch"/>) and in the edge block's copy (c·NR).
    /// Valid until the next call on this thread.
    /// </summary>
    internal static void Pack(in ConvGeometry g, float* weight, GemmIsa isa, int pitch, float* packed, out float* a,
        out int* offsets)
    {
        int nr = DirectConvolution.Block(isa).NR, k = g.InChannels, length = packed == null ? PackedLength(g, isa) : 0;
        float* scratch = NativeScratch.Get(WeightSlot, length + 2L * k);
        a = packed;
        if (a == null) PackWeights(g, weight, isa, a = scratch);
        offsets = (int*)(scratch + length);
        for (int p = 0; p < k; p++)
        {
            offsets[p] = p * pitch;
            offsets[k + p] = p * nr;
        }
    }

    /// <summary>
    /// Columns [<paramref name="col0"/>, <paramref name="col0"/> + <paramref name="count"/>) of image
    /// <paramref name="n"/>'s output, from the input map whose column <paramref name="col0"/> of channel c is at
    /// <c>x + c·pitch</c> (<see cref="Pack"/>'s offsets made for that pitch): register blocks stored in place, edge
    /// blocks through scratch. <paramref name="readPast"/>: every row of the map may be read NR floats past
    /// <paramref name="count"/> (values there are computed and dropped), so the edge block is not copied.
    /// </summary>
    internal static void Columns(in ConvOperands ops, GemmIsa isa, float* a, int* offsets, float* x, int pitch, int n,
        int col0, int count, bool readPast = false)
    {
        var g = ops.G;
        var (mr, nr) = DirectConvolution.Block(isa);
        int k = g.InChannels, oc = g.OutChannels, hw = g.OutHeight * g.OutWidth;
        int mPadded = (oc + mr - 1) / mr * mr, mFull = oc / mr * mr;
        long image = (long)n * oc * hw + col0;
        float* edgeB = null, edgeC = null;
        bool wide = isa == GemmIsa.Avx512 && mFull == mPadded;
        // Blocks of 49 when they cover the columns exactly and 48 would leave a part-empty edge block (a 14×14 map:
        // 4 × 49, not 4 × 48 and a 16-column block for 4).
        bool by49 = wide && count % 49 == 0 && count % 48 % 16 != 0;
        int kRange = KRangeSteps(k);
        for (int jr = 0; jr < count; jr += nr)
        {
            if (wide && count - jr == 64)
            {
                // The last 64 columns: two 4×64 blocks a sliver, not an 8×48 block and a 16-column edge.
                for (int ir = 0; ir < mPadded; ir += mr)
                for (int half = 0; half < mr; half += 4)
                {
                    long row = image + (long)(ir + half) * hw + jr;
                    PointwiseWideKernels.Avx512Kernel4x64(k, a + (long)ir * k + half, x + jr, pitch,
                        ops.Output + row, hw, ops.Bias == null ? null : ops.Bias + ir + half,
                        ops.Residual == null ? null : ops.Residual + row, ops.Relu);
                }
                break;
            }
            if (wide && count - jr >= 48)
            {
                // 48 columns a block (49 for the last when exactly that many are left: a 7×7 map is one block).
                bool extra = by49 || count - jr == 49;
                for (int k0 = 0; k0 < k; k0 += kRange)
                {
                    int steps = Math.Min(kRange, k - k0);
                    bool end = k0 + steps == k;
                    for (int ir = 0; ir < mPadded; ir += mr)
                    {
                        long at = image + (long)ir * hw + jr;
                        PointwiseWideKernels.Avx512Kernel8x48(steps, a + (long)ir * k + (long)k0 * mr,
                            x + (long)k0 * pitch + jr, pitch, ops.Output + at, hw,
                            end && ops.Bias != null ? ops.Bias + ir : null,
                            end && ops.Residual != null ? ops.Residual + at : null, end && ops.Relu, extra,
                            accumulate: k0 > 0);
                    }
                }
                jr += extra ? 49 - nr : 48 - nr;
                continue;
            }
            int cols = Math.Min(nr, count - jr);
            float* b = x + jr;
            int* off = offsets;
            if (cols < nr || edgeC == null)
            {
                edgeB = NativeScratch.Get(EdgeSlot, (long)k * nr + (long)mr * nr);
                edgeC = edgeB + (long)k * nr;
            }
            if (cols < nr && !readPast)
            {
                // The map's last columns: copy them (zero-filled to NR) so no read runs past the input.
                for (int p = 0; p < k; p++)
                {
                    new ReadOnlySpan<float>(x + (long)p * pitch + jr, cols)
                        .CopyTo(new Span<float>(edgeB + (long)p * nr, nr));
                    new Span<float>(edgeB + (long)p * nr + cols, nr - cols).Clear();
                }
                b = edgeB;
                off = offsets + k;
            }
            for (int ir = 0; ir < mPadded; ir += mr)
            {
                float* y = ops.Output + image + (long)ir * hw + jr;
                bool inPlace = cols == nr && ir < mFull;
                if (inPlace && isa == GemmIsa.Avx512)
                {
                    // The epilogue in registers.
                    DirectMicroKernels.Avx512Kernel8x32(k, a + (long)ir * k, b, off, y, hw,
                        ops.Bias == null ? null : ops.Bias + ir,
                        ops.Residual == null ? null : ops.Residual + image + (long)ir * hw + jr, ops.Relu);
                    continue;
                }
                float* c = inPlace ? y : edgeC;
                nint ldc = inPlace ? hw : nr;
                if (cols <= 16 && isa == GemmIsa.Avx512) DirectMicroKernels.Avx512Kernel8x16(k, a + (long)ir * k, b, off, c, ldc);
                else DirectMicroKernels.Run(isa, k, a + (long)ir * k, b, off, c, ldc);
                int rows = Math.Min(mr, oc - ir);
                for (int r = 0; r < rows; r++)
                {
                    float bias = ops.Bias == null ? 0f : ops.Bias[ir + r];
                    float* residual = ops.Residual == null ? null : ops.Residual + image + (long)(ir + r) * hw + jr;
                    ConvEpilogue.Row(c + r * ldc, residual, y + (long)r * hw, bias, ops.Bias != null, ops.Relu, cols);
                }
            }
        }
    }

    /// <summary>Image <paramref name="n"/>'s input as a C × OH·OW map: the input itself for stride 1, else the
    /// sampled pixels gathered into scratch.</summary>
    private static float* Map(in ConvOperands ops, int n)
    {
        var g = ops.G;
        int h = g.InHeight, w = g.InWidth, oh = g.OutHeight, ow = g.OutWidth;
        float* image = ops.Input + (long)n * g.InChannels * h * w;
        if (g.StrideHeight == 1 && g.StrideWidth == 1) return image;
        // 16 floats of slack: a row's last vector may be stored whole, past the map's last row.
        float* map = NativeScratch.Get(GatherSlot, (long)g.InChannels * oh * ow + 16);
        if (g.StrideWidth == 2 && Avx512F.IsSupported)
        {
            StridedRows(g, image, ops.Input + (long)g.Batch * g.InChannels * h * w, map);
            return map;
        }
        for (int c = 0; c < g.InChannels; c++)
        for (int y = 0; y < oh; y++)
        {
            float* src = image + ((long)c * h + (long)y * g.StrideHeight) * w;
            float* dst = map + ((long)c * oh + y) * ow;
            for (int q = 0; q < ow; q++) dst[q] = src[q * g.StrideWidth];
        }
        return map;
    }

    /// <summary>
    /// The even columns of every sampled row (stride 2 across), 16 a time from two loads: each row's vectors are
    /// loaded and stored whole, running on into the rows after it (read: the input's next rows; written: the map's
    /// next row, stored after it, or the slack past the map), so no row needs a mask; only where a whole load would
    /// pass <paramref name="end"/>, the input's end, is the row read through masks.
    /// </summary>
    private static void StridedRows(in ConvGeometry g, float* image, float* end, float* map)
    {
        int h = g.InHeight, w = g.InWidth, oh = g.OutHeight, ow = g.OutWidth, sh = g.StrideHeight;
        var lanes = Vector512<int>.Indices;
        for (int c = 0; c < g.InChannels; c++)
        for (int y = 0; y < oh; y++)
        {
            float* src = image + ((long)c * h + (long)y * sh) * w;
            float* dst = map + ((long)c * oh + y) * ow;
            for (int q = 0; q < ow; q += 16)
            {
                Vector512<float> lo, hi;
                if (src + 2 * q + 32 <= end)
                {
                    lo = Vector512.Load(src + 2 * q);
                    hi = Vector512.Load(src + 2 * q + 16);
                }
                else
                {
                    // Nothing read past the input.
                    int left = (int)(end - (src + 2 * q));
                    lo = Avx512F.MaskLoad(src + 2 * q, Vector512.LessThan(lanes, Vector512.Create(left)).AsSingle(),
                        Vector512<float>.Zero);
                    hi = Avx512F.MaskLoad(src + 2 * q + 16,
                        Vector512.LessThan(lanes, Vector512.Create(left - 16)).AsSingle(), Vector512<float>.Zero);
                }
                Avx512F.PermuteVar16x32x2(lo, PermuteIndices.Evens, hi).Store(dst + q);
            }
        }
    }

    /// <summary>One (image, run of column blocks) per item; one instance per calling thread, reused.</summary>
    private sealed class Work : ParallelJob
    {
        private ConvOperands ops;
        private GemmIsa isa;
        private float* a;
        private int* offsets;
        private int parts;

        public void Set(in ConvOperands ops, GemmIsa isa, float* a, int* offsets, int parts)
        {
            this.ops = ops; this.isa = isa; this.a = a; this.offsets = offsets; this.parts = parts;
        }

        public override void Execute(int item)
        {
            var g = ops.G;
            int n = item / parts, part = item % parts;
            int nr = DirectConvolution.Block(isa).NR, hw = g.OutHeight * g.OutWidth, blocks = (hw + nr - 1) / nr;
            int b0 = (int)((long)blocks * part / parts), b1 = (int)((long)blocks * (part + 1) / parts);
            if (b1 <= b0) return;
            int j0 = b0 * nr;
            Columns(ops, isa, a, offsets, Map(ops, n) + j0, hw, n, j0, Math.Min(hw, b1 * nr) - j0);
        }
    }
}
