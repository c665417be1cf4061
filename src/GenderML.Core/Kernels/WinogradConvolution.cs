using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>
/// Forward 3×3 stride-1 convolution by Winograd's F(2×2, 3×3) (<see cref="WinogradTransforms"/>): per block of
/// rows of tiles, the input transform writes V[ξ] (C × tiles) for the 16 points ξ, 16 GEMMs M[ξ] = U[ξ]·V[ξ]
/// (U the transformed weights, OC × C) run on the direct kernel's register blocks, and the output transform writes
/// each 2×2 tile through the <see cref="ConvEpilogue"/> (bias, residual, ReLU). 2.25× fewer multiplications than
/// the direct convolution; the numeric error is of the same order (the transforms only add, subtract and halve).
/// </summary>
/// <remarks>
/// Work items are fixed blocks of rows of tiles over the whole batch (tile row R = image·TH + ty), sized by the
/// geometry so V and M fit in L2; each output value's arithmetic does not depend on the block it falls in, so
/// results are bit-identical for any thread count.
/// </remarks>
internal static unsafe class WinogradConvolution
{
    /// <summary>Scratch slots: V (3), M or Mᵀ (6), split rows and staging (2), the transposed path's staging (4),
    /// weights when no cache is given (calling thread, 5).</summary>
    private const int VSlot = 3, MSlot = 6, RowSlot = 2, StageSlot = 4, WeightSlot = 5;

    /// <summary>Floats of V and M a work item aims for (about 768 KB, within a 1 MB L2).</summary>
    private const int ItemFloats = 192 * 1024;

    /// <summary>Fewest tiles per image with cached weights: an 8×8 map (16) is in, a 4×4 map (4) is out (alone, its
    /// transformed weights, 16/9 of the weights, are read from memory for few multiplications: slower than the lowered
    /// kernel in a whole network). Per image, not per batch, so that an image's result does not depend on the batch it
    /// comes in.</summary>
    private const int MinTiles = 16;

    /// <summary>Fewest tiles per image when the weights are transformed per call (training): below it the transform
    /// costs more than the multiplications saved at the batch sizes training uses (docs/BENCHMARKS.md, Winograd).
    /// </summary>
    private const int MinTilesUncached = 64;

    /// <summary>Whether this kernel takes the forward pass of <paramref name="g"/>: 3×3, stride 1, one group, enough
    /// channels for the GEMMs, enough tiles per image to fill their columns, and tiles at least 2/3 covered by the
    /// output (a 3×3 map needs four 2×2 tiles for 9 outputs: 1.3× fewer multiplications instead of 2.25×, lost to
    /// the transforms). <paramref name="cached"/>: the transformed weights are kept between calls. The batch size
    /// plays no part.</summary>
    public static bool Handles(in ConvGeometry g, bool cached)
    {
        if (g.Groups != 1 || g.KernelHeight != 3 || g.KernelWidth != 3 || g.StrideHeight != 1 || g.StrideWidth != 1
            || g.InChannels < 16 || g.OutChannels < 16 || g.PadLeft > 2 || g.PadTop > 2)
            return false;
        long tiles = (long)((g.OutHeight + 1) / 2) * ((g.OutWidth + 1) / 2);
        return tiles >= (cached ? MinTiles : MinTilesUncached) && 3L * g.OutHeight * g.OutWidth >= 2 * 4 * tiles;
    }

    /// <summary>Whether <see cref="BackwardInput(in ConvOperands, int)"/> takes ∂X of <paramref name="g"/>.</summary>
    public static bool HandlesBackwardInput(in ConvGeometry g) =>
        InputGradientIsConvolution(g) && Handles(InputGradientGeometry(g), cached: false);

    /// <summary>Whether ∂X of <paramref name="g"/> is the stride-1 convolution <see cref="InputGradientGeometry"/>
    /// describes: a 3×3 convolution at stride 1, padded by at most 2 on each side.</summary>
    internal static bool InputGradientIsConvolution(in ConvGeometry g) =>
        g.StrideHeight == 1 && g.StrideWidth == 1 && g.KernelHeight == 3 && g.KernelWidth == 3
        && g.PadTop <= 2 && g.PadLeft <= 2 && g.PadBottom <= 2 && g.PadRight <= 2;

    /// <summary>The geometry of ∂X = conv(∂Y, W turned by 180° with in/out channels swapped), stride 1.</summary>
    internal static ConvGeometry InputGradientGeometry(in ConvGeometry g) =>
        new(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth, g.InChannels, 3, 3, 1, 1,
            2 - g.PadTop, 2 - g.PadLeft, 2 - g.PadBottom, 2 - g.PadRight, g.Groups);

    /// <summary>∂X (<c>ops.Input</c>) from ∂Y (<c>ops.Output</c>) as that forward convolution, the flip folded into
    /// the weight transform.</summary>
    public static void BackwardInput(in ConvOperands ops, int threads) =>
        BackwardInput(ops, threads, GemmBlocking.BestIsa);

    public static void BackwardInput(in ConvOperands ops, int threads, GemmIsa isa)
    {
        var t = InputGradientGeometry(ops.G);
        var plan = new Plan(t, isa, threads);
        long length = (long)WinogradTransforms.Points * RoundUp(t.OutChannels, plan.WeightBlock) * t.InChannels;
        float* u = NativeScratch.Get(WeightSlot, length);
        WinogradTransforms.TransformWeights(ops.Weight, t.OutChannels, t.InChannels, plan.WeightBlock, u, flipped: true);
        Run(new ConvOperands(t, ops.Output, ops.Weight, null, ops.Input), threads, isa, u, plan);
    }

    public static void Forward(in ConvOperands ops, int threads, WinogradWeights? cache = null) =>
        Forward(ops, threads, GemmBlocking.BestIsa, cache);

    /// <summary>The forward pass on <paramref name="isa"/> (tests run every instruction set the machine has), with the
    /// transformed weights kept in <c>ops.Packed</c> when it is given (frozen weights), else in
    /// <paramref name="cache"/> when it is given (compared with the weights on each call), else transformed per call.
    /// </summary>
    public static void Forward(in ConvOperands ops, int threads, GemmIsa isa, WinogradWeights? cache = null)
    {
        var g = ops.G;
        var plan = new Plan(g, isa, threads);
        int oc = g.OutChannels, c = g.InChannels, block = plan.WeightBlock;
        float* u;
        if (ops.Packed is { } packed) u = packed.Winograd(ops.Weight, g, block, plan.Transposed);
        else if (cache is not null) u = cache.Get(ops.Weight, oc, c, block);
        else
        {
            u = NativeScratch.Get(WeightSlot, (long)WinogradTransforms.Points * RoundUp(oc, block) * c);
            WinogradTransforms.TransformWeights(ops.Weight, oc, c, block, u);
        }
        Run(ops, threads, isa, u, plan);
        // u points into memory the packed weights or the cache free when finalized or collected.
        GC.KeepAlive(ops.Packed);
        GC.KeepAlive(cache);
    }

    /// <summary>Whether the forward pass of <paramref name="g"/> on <paramref name="isa"/> runs its GEMMs transposed.</summary>
    internal static bool RunsTransposed(in ConvGeometry g, GemmIsa isa) => new Plan(g, isa, 1).Transposed;

    /// <summary>The convolution of <paramref name="ops"/> with weights already transformed into <paramref name="u"/>
    /// (for <see cref="Plan.WeightBlock"/>).</summary>
    private static void Run(in ConvOperands ops, int threads, GemmIsa isa, float* u, in Plan plan)
    {
        var work = JobCache<Work>.Rent();
        work.Set(ops, isa, u, plan);
        JobCache<Work>.RunAndReturn(work, plan.Items, threads);
    }

    /// <summary>Tiles, blocks and buffer strides of one call. An item is a block of rows of tiles and a part of the
    /// output channels: the channels are split only when the row blocks are too few for the threads (one image), each
    /// part transforming the block's input again (cheap next to its GEMMs).</summary>
    private readonly struct Plan
    {
        public readonly int TilesHigh, TilesWide, TileRows, RowsPerItem, Items, Width, Nr;
        public readonly int SplitRowStride;

        /// <summary>Whether the GEMMs run transposed (<see cref="WinogradTransposed"/>).</summary>
        public readonly bool Transposed;

        /// <summary>Parts of the output channels, and the channels of a unit they are split by (MR, or NR transposed).
        /// </summary>
        public readonly int Parts, Unit;

        /// <summary>Rows of the weight slivers: MR, or OC rounded up to NR when transposed.</summary>
        public readonly int WeightBlock;

        public Plan(in ConvGeometry g, GemmIsa isa, int threads)
        {
            Width = isa switch { GemmIsa.Avx512 => 16, GemmIsa.Avx2 => 8, _ => 1 };
            Nr = DirectConvolution.Block(isa).NR;
            TilesHigh = (g.OutHeight + 1) / 2;
            TilesWide = (g.OutWidth + 1) / 2;
            TileRows = g.Batch * TilesHigh;
            int ocPad = (g.OutChannels + 7) / 8 * 8;
            int lanes = Math.Max(Nr, ItemFloats / (WinogradTransforms.Points * (g.InChannels + ocPad)));
            // The most rows within the budget whose lanes waste least when rounded up to the register block.
            int maxRows = Math.Clamp(lanes / TilesWide, 1, TileRows), best = maxRows;
            double bestWaste = double.MaxValue;
            for (int rows = maxRows; rows >= Math.Max(1, maxRows / 2); rows--)
            {
                int used = rows * TilesWide;
                double waste = (double)(RoundUp(used, Nr) - used) / RoundUp(used, Nr);
                if (waste < bestWaste - 1e-9) (best, bestWaste) = (rows, waste);
            }
            RowsPerItem = best;
            int rowItems = (TileRows + RowsPerItem - 1) / RowsPerItem;
            var (mr, nr) = DirectConvolution.Block(isa);
            Transposed = WinogradTransposed.Chosen(RowsPerItem * TilesWide, g.OutChannels, isa);
            Unit = Transposed ? nr : mr;
            WeightBlock = Transposed ? RoundUp(g.OutChannels, nr) : mr;
            int units = (g.OutChannels + Unit - 1) / Unit;
            Parts = threads > 1 && rowItems < threads ? Math.Min(units, (threads + rowItems - 1) / rowItems) : 1;
            Items = rowItems * Parts;
            // Column-split rows: TW + 1 values read per row of tiles, whole vectors, one more for the shifted loads.
            SplitRowStride = RoundUp(TilesWide + 1, Width) + Width;
        }
    }


    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    /// <summary>One block of rows of tiles per item; one instance per calling thread, reused.</summary>
    private sealed class Work : ParallelJob
    {
        private ConvOperands ops;
        private GemmIsa isa;
        private float* u;
        private Plan plan;

        public void Set(in ConvOperands ops, GemmIsa isa, float* u, in Plan plan)
        {
            this.ops = ops; this.isa = isa; this.u = u; this.plan = plan;
        }

        public override void Execute(int item)
        {
            switch (isa)
            {
                case GemmIsa.Avx512: Run<Vector512<float>, WinogradLanes512>(item); break;
                case GemmIsa.Avx2: Run<Vector256<float>, WinogradLanes256>(item); break;
                default: Run<float, WinogradLanes1>(item); break;
            }
        }

        private void Run<TV, TL>(int item) where TV : struct where TL : struct, IWinogradLanes<TV>
        {
            var g = ops.G;
            var p = plan;
            const int points = WinogradTransforms.Points;
            var (mr, nr) = DirectConvolution.Block(isa);
            int c = g.InChannels, oc = g.OutChannels, ocPad = RoundUp(oc, p.WeightBlock);
            int part = item % p.Parts, units = (oc + p.Unit - 1) / p.Unit;
            int o0 = units * part / p.Parts * p.Unit, o1 = units * (part + 1) / p.Parts * p.Unit;
            int r0 = item / p.Parts * p.RowsPerItem, r1 = Math.Min(r0 + p.RowsPerItem, p.TileRows);
            int tw = p.TilesWide, th = p.TilesHigh, lanes = (r1 - r0) * tw, lanesPadded = RoundUp(lanes, nr);
            int ldv = RoundUp(lanesPadded + p.Width, 16);
            float* v = NativeScratch.Get(VSlot, (long)points * c * ldv);
            // V[c][ξ][lane] and M[o][ξ][lane]: a channel's 16 points together, so that the transforms of one channel
            // stay in L1; the GEMM of point ξ reads rows of V and writes rows of M 16 rows apart. Lanes past the
            // tiles hold leftovers that only reach columns of M that are never read (each column's sum is its own).
            float* m = NativeScratch.Get(MSlot, (long)points * ocPad * lanesPadded + 64);
            int mRow = points * lanesPadded;
            int twRound = RoundUp(tw, p.Width) + 8, ow = g.OutWidth, oh = g.OutHeight;
            int splitRows = 2 * th + 2, stagingLength = (2 * p.RowsPerItem + 2) * ow + 4 * twRound + 64;
            long splitFloats = (long)splitRows * p.SplitRowStride;
            float* scratch = NativeScratch.Get(RowSlot, 2 * splitFloats + stagingLength + 2 * twRound + c + 64);
            float* even = scratch, odd = even + splitFloats, staging = odd + splitFloats;
            float* temp = staging + stagingLength;
            int* offsets = (int*)(temp + 2 * twRound + 16);
            for (int k = 0; k < c; k++) offsets[k] = k * points * ldv;
            new Span<float>(even, (int)(2 * splitFloats)).Clear();
            long vPoint = ldv;
            int h = g.InHeight, w = g.InWidth, rs = p.SplitRowStride;
            long inPlane = (long)h * w;

            // On AVX-512, a remainder of at most 8 tiles per row of tiles takes 8-lane vectors.
            int head = p.Width == 16 && tw % 16 is > 0 and <= 8 ? tw / 16 * 16 : tw;
            bool oneChunk = head == tw ? tw <= p.Width : head == 0;
            // Input transform, channel by channel.
            for (int ci = 0; ci < c; ci++)
            {
                for (int r = r0; r < r1;)
                {
                    int n = r / th, ty0 = r % th, end = Math.Min(r1, (n + 1) * th), ty1 = ty0 + (end - r) - 1;
                    float* plane = ops.Input + ((long)n * c + ci) * inPlane;
                    WinogradTransforms.SplitColumns<TV, TL>(plane, h, w, g.PadTop, g.PadLeft, 2 * ty0, 2 * ty1 + 3,
                        even, odd, rs);
                    for (int ty = ty0; ty <= ty1; ty++)
                    {
                        float* e = even + 2L * ty * rs, od = odd + 2L * ty * rs;
                        float* dst = v + ci * (long)points * ldv + (long)(n * th + ty - r0) * tw;
                        if (head > 0) WinogradTransforms.InputRow<TV, TL>(e, od, rs, head, dst, vPoint);
                        if (head < tw)
                            WinogradTransforms.InputRow<Vector256<float>, WinogradLanes256>(e + head, od + head, rs,
                                tw - head, dst + head, vPoint);
                    }
                    r = end;
                }
            }

            if (p.Transposed)
            {
                TransposedOutput<TV, TL>(v, ldv, c, lanes, r0, r1, o0, o1);
                return;
            }

            // M[ξ] = U[ξ]·V[ξ]: OC×C times C×lanes, for the 16 points.
            for (int x = 0; x < points; x++)
            {
                float* a = u + (long)x * ocPad * c, b = v + x * vPoint, cm = m + (long)x * lanesPadded;
                for (int jr = 0; jr < lanesPadded; jr += nr)
                for (int ir = o0; ir < o1; ir += mr)
                    DirectMicroKernels.Run(isa, c, a + (long)ir * c, b + jr, offsets, cm + (long)ir * mRow + jr, mRow);
            }

            // Output transform into a staging copy of the rows of each image (in order, so that whole-vector stores
            // past a row's end are overwritten by the next row), then the epilogue over those rows in one pass.
            for (int o = o0; o < Math.Min(o1, oc); o++)
            {
                float bias = ops.Bias == null ? 0f : ops.Bias[o];
                float* mo = m + (long)o * mRow;
                for (int r = r0; r < r1;)
                {
                    int n = r / th, ty0 = r % th, end = Math.Min(r1, (n + 1) * th), ty1 = ty0 + (end - r) - 1;
                    for (int ty = ty0; ty <= ty1; ty++)
                    {
                        // Row 2ty + 1 goes through temp when row 2ty takes several chunks, whose excess would
                        // land on it.
                        float* row0 = staging + (long)(2 * (ty - ty0)) * ow, mt = mo + (long)(n * th + ty - r0) * tw;
                        float* row1 = oneChunk ? row0 + ow : temp;
                        if (head > 0) WinogradTransforms.OutputRow<TV, TL>(mt, lanesPadded, head, row0, row1);
                        if (head < tw)
                            WinogradTransforms.OutputRow<Vector256<float>, WinogradLanes256>(mt + head, lanesPadded,
                                tw - head, row0 + 2 * head, row1 + 2 * head);
                        if (!oneChunk)
                            for (int i = 0; i < 2 * tw; i += TL.Width) TL.Store(TL.Load(temp + i), row0 + ow + i);
                    }
                    int y0 = 2 * ty0, y1 = Math.Min(oh, 2 * ty1 + 2);
                    long at = (((long)n * oc + o) * oh + y0) * ow;
                    ConvEpilogue.Row(staging, ops.Residual == null ? null : ops.Residual + at, ops.Output + at, bias,
                        ops.Bias != null, ops.Relu, (y1 - y0) * ow);
                    r = end;
                }
            }
        }

        /// <summary>Mᵀ = Vᵀ·Uᵀ and the output transform across channels (<see cref="WinogradTransposed"/>) for the rows of
        /// tiles [r0, r1) and the output channels [o0, o1), then the epilogue as on the usual path.</summary>
        private void TransposedOutput<TV, TL>(float* v, int ldv, int c, int lanes, int r0, int r1, int o0, int o1)
            where TV : struct where TL : struct, IWinogradLanes<TV>
        {
            var g = ops.G;
            var p = plan;
            const int points = WinogradTransforms.Points;
            int oc = g.OutChannels, ocPad = p.WeightBlock, ow = g.OutWidth, oh = g.OutHeight, th = p.TilesHigh;
            float* scratch = NativeScratch.Get(MSlot, WinogradTransposed.ScratchLength(lanes, c, ocPad, isa));
            float* mt = WinogradTransposed.Multiply(isa, v, (long)points * ldv, ldv, c, lanes, u, ocPad, o0, o1, scratch);
            long stageStride = 2L * (r1 - r0) * ow;
            float* stage = NativeScratch.Get(StageSlot, ocPad * stageStride + 64);
            WinogradTransposed.Output<TV, TL>(mt, ocPad, lanes, p.TilesWide, ow, o0, o1, stage, stageStride);
            for (int o = o0; o < Math.Min(o1, oc); o++)
            {
                float bias = ops.Bias == null ? 0f : ops.Bias[o];
                for (int r = r0; r < r1;)
                {
                    int n = r / th, ty0 = r % th, end = Math.Min(r1, (n + 1) * th), ty1 = ty0 + (end - r) - 1;
                    int y0 = 2 * ty0, y1 = Math.Min(oh, 2 * ty1 + 2);
                    long at = (((long)n * oc + o) * oh + y0) * ow;
                    ConvEpilogue.Row(stage + o * stageStride + 2L * (r - r0) * ow,
                        ops.Residual == null ? null : ops.Residual + at, ops.Output + at, bias, ops.Bias != null,
                        ops.Relu, (y1 - y0) * ow);
                    r = end;
                }
            }
        }
    }
}
