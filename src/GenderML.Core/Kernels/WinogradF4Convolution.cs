using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>
/// 3×3 stride-1 convolution by Winograd's F(4×4, 3×3) (<see cref="WinogradF4Transforms"/>): the forward pass of
/// training (weights transformed per call) and of frozen layers (transformed once, kept in their
/// <see cref="PackedWeights"/>), and the stride-1 input gradient (∂Y convolved with the weights turned by 180°,
/// channels swapped).
/// As <see cref="WinogradConvolution"/> with 6×6 windows and 36 GEMMs: per block of rows of tiles the input transform
/// writes V[ξ] (C × tiles), 36 GEMMs M[ξ] = U[ξ]·V[ξ] run on the direct kernel's register blocks, and the output
/// transform writes each 4×4 tile through the <see cref="ConvEpilogue"/>. 4× fewer multiplications than the direct
/// convolution (1.78× fewer than F(2×2, 3×3)); the transforms scale by up to 8 and divide by 6 and 24, so the
/// rounding error is several times that of F(2×2, 3×3).
/// </summary>
/// <remarks>
/// Work items are fixed blocks of rows of tiles over the whole batch, sized by the geometry so V and M fit in L2:
/// results are bit-identical for any thread count.
/// </remarks>
internal static unsafe class WinogradF4Convolution
{
    /// <summary>Scratch slots, those of <see cref="WinogradConvolution"/> (the two never run at once on a thread).
    /// </summary>
    private const int VSlot = 3, MSlot = 6, RowSlot = 2, WeightSlot = 5;

    /// <summary>Floats of V and M a work item aims for (about 768 KB, within a 1 MB L2).</summary>
    private const int ItemFloats = 192 * 1024;

    /// <summary>Fewest 4×4 tiles per image (the weights are transformed per call).</summary>
    private const int MinTiles = 16;

    private const int Points = WinogradF4Transforms.Points;

    /// <summary>Whether this kernel takes a convolution of geometry <paramref name="g"/>: 3×3, stride 1, one group,
    /// padding of at most 2, enough channels for the GEMMs, enough tiles per image, and tiles at least 90% covered by
    /// the output (not a 22×22 or 25×25 map, 84% and 80% covered: docs/BENCHMARKS.md). The batch size plays no
    /// part.</summary>
    public static bool Handles(in ConvGeometry g)
    {
        if (g.Groups != 1 || g.KernelHeight != 3 || g.KernelWidth != 3 || g.StrideHeight != 1 || g.StrideWidth != 1
            || g.InChannels < 16 || g.OutChannels < 16 || g.PadLeft > 2 || g.PadTop > 2)
            return false;
        long tiles = (long)((g.OutHeight + 3) / 4) * ((g.OutWidth + 3) / 4);
        return tiles >= MinTiles && 10L * g.OutHeight * g.OutWidth >= 9 * 16 * tiles;
    }

    /// <summary>Whether <see cref="BackwardInput(in ConvOperands, int)"/> takes ∂X of <paramref name="g"/>.</summary>
    public static bool HandlesBackwardInput(in ConvGeometry g) =>
        WinogradConvolution.InputGradientIsConvolution(g) && Handles(WinogradConvolution.InputGradientGeometry(g));

    /// <summary>∂X (<c>ops.Input</c>) from ∂Y (<c>ops.Output</c>) as that forward convolution, the flip folded into
    /// the weight transform.</summary>
    public static void BackwardInput(in ConvOperands ops, int threads) =>
        BackwardInput(ops, threads, GemmBlocking.BestIsa);

    public static void BackwardInput(in ConvOperands ops, int threads, GemmIsa isa)
    {
        var t = WinogradConvolution.InputGradientGeometry(ops.G);
        int mr = DirectConvolution.Block(isa).MR;
        float* u = NativeScratch.Get(WeightSlot, (long)Points * RoundUp(t.OutChannels, mr) * t.InChannels);
        WinogradF4Transforms.TransformWeights(ops.Weight, t.OutChannels, t.InChannels, mr, u, flipped: true);
        Run(new ConvOperands(t, ops.Output, ops.Weight, null, ops.Input), threads, isa, u);
    }

    public static void Forward(in ConvOperands ops, int threads) => Forward(ops, threads, GemmBlocking.BestIsa);

    /// <summary>The forward pass on <paramref name="isa"/>, the transformed weights kept in <c>ops.Packed</c> when it is
    /// given (frozen weights), else transformed per call.</summary>
    public static void Forward(in ConvOperands ops, int threads, GemmIsa isa)
    {
        var g = ops.G;
        int mr = DirectConvolution.Block(isa).MR;
        float* u;
        if (ops.Packed is { } packed) u = packed.WinogradF4(ops.Weight, g, mr);
        else
        {
            u = NativeScratch.Get(WeightSlot, (long)Points * RoundUp(g.OutChannels, mr) * g.InChannels);
            WinogradF4Transforms.TransformWeights(ops.Weight, g.OutChannels, g.InChannels, mr, u);
        }
        Run(ops, threads, isa, u);
        // u points into memory the packed weights free when finalized or collected.
        GC.KeepAlive(ops.Packed);
    }

    private static void Run(in ConvOperands ops, int threads, GemmIsa isa, float* u)
    {
        var work = JobCache<Work>.Rent();
        work.Set(ops, isa, u, new Plan(ops.G, isa));
        JobCache<Work>.RunAndReturn(work, work.Items, threads);
    }

    /// <summary>Tiles, blocks and buffer strides of one call; an item is a block of rows of tiles.</summary>
    private readonly struct Plan
    {
        public readonly int TilesHigh, TilesWide, TileRows, RowsPerItem, Items, Width, PhaseRowStride;

        public Plan(in ConvGeometry g, GemmIsa isa)
        {
            Width = isa switch { GemmIsa.Avx512 => 16, GemmIsa.Avx2 => 8, _ => 1 };
            int nr = DirectConvolution.Block(isa).NR;
            TilesHigh = (g.OutHeight + 3) / 4;
            TilesWide = (g.OutWidth + 3) / 4;
            TileRows = g.Batch * TilesHigh;
            int ocPad = RoundUp(g.OutChannels, 8);
            int lanes = Math.Max(nr, ItemFloats / (Points * (g.InChannels + ocPad)));
            // The most rows within the budget whose lanes waste least when rounded up to the register block.
            int maxRows = Math.Clamp(lanes / TilesWide, 1, TileRows), best = maxRows;
            double bestWaste = double.MaxValue;
            for (int rows = maxRows; rows >= Math.Max(1, maxRows / 2); rows--)
            {
                int used = rows * TilesWide;
                double waste = (double)(RoundUp(used, nr) - used) / RoundUp(used, nr);
                if (waste < bestWaste - 1e-9) (best, bestWaste) = (rows, waste);
            }
            RowsPerItem = best;
            Items = (TileRows + RowsPerItem - 1) / RowsPerItem;
            // Phase-split rows: TW + 1 values read per row of tiles, whole vectors, one more for the shifted loads.
            PhaseRowStride = RoundUp(TilesWide + 1, Width) + Width;
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

        public int Items => plan.Items;

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
            var (mr, nr) = DirectConvolution.Block(isa);
            int c = g.InChannels, oc = g.OutChannels, ocPad = RoundUp(oc, mr);
            int r0 = item * p.RowsPerItem, r1 = Math.Min(r0 + p.RowsPerItem, p.TileRows);
            int tw = p.TilesWide, th = p.TilesHigh, lanes = (r1 - r0) * tw, lanesPadded = RoundUp(lanes, nr);
            int ldv = RoundUp(lanesPadded + p.Width, 16);
            // V[c][ξ][lane] and M[o][ξ][lane], as in WinogradConvolution; lanes past the tiles hold leftovers that
            // only reach columns of M that are never read.
            float* v = NativeScratch.Get(VSlot, (long)Points * c * ldv);
            float* m = NativeScratch.Get(MSlot, (long)Points * ocPad * lanesPadded + 64);
            int mRow = Points * lanesPadded, ow = g.OutWidth, oh = g.OutHeight, rs = p.PhaseRowStride;
            int stageStride = 4 * RoundUp(tw, 16) + 16;
            long phaseStride = (long)(4 * th + 2) * rs;
            float* scratch = NativeScratch.Get(RowSlot, 4 * phaseStride + 64 + 4 * stageStride + Points * 16 + c + 64);
            float* phases = scratch, tail = phases + 4 * phaseStride, staging = tail + 64;
            float* temp = staging + 4 * stageStride;
            int* offsets = (int*)(temp + Points * 16);
            for (int k = 0; k < c; k++) offsets[k] = k * Points * ldv;
            new Span<float>(phases, (int)(4 * phaseStride + 64)).Clear();
            int h = g.InHeight, w = g.InWidth;
            long inPlane = (long)h * w;
            bool avx512 = isa == GemmIsa.Avx512;

            // On AVX-512, a remainder of at most 8 tiles per row of tiles takes 8-lane vectors.
            int head = p.Width == 16 && tw % 16 is > 0 and <= 8 ? tw / 16 * 16 : tw;
            for (int ci = 0; ci < c; ci++)
            {
                for (int r = r0; r < r1;)
                {
                    int n = r / th, ty0 = r % th, end = Math.Min(r1, (n + 1) * th), ty1 = ty0 + (end - r) - 1;
                    float* plane = ops.Input + ((long)n * c + ci) * inPlane;
                    WinogradF4Transforms.SplitPhases(plane, h, w, g.PadTop, g.PadLeft, 4 * ty0, 4 * ty1 + 5, phases,
                        phaseStride, rs, avx512, tail);
                    for (int ty = ty0; ty <= ty1; ty++)
                    {
                        float* ph = phases + 4L * ty * rs;
                        float* dst = v + ci * (long)Points * ldv + (long)(n * th + ty - r0) * tw;
                        if (head > 0) WinogradF4Transforms.InputRow<TV, TL>(ph, phaseStride, rs, head, dst, ldv, temp);
                        if (head < tw)
                            WinogradF4Transforms.InputRow<Vector256<float>, WinogradLanes256>(ph + head, phaseStride,
                                rs, tw - head, dst + head, ldv, temp);
                    }
                    r = end;
                }
            }

            // M[ξ] = U[ξ]·V[ξ]: OC×C times C×lanes, for the 36 points.
            for (int x = 0; x < Points; x++)
            {
                float* a = u + (long)x * ocPad * c, b = v + (long)x * ldv, cm = m + (long)x * lanesPadded;
                for (int jr = 0; jr < lanesPadded; jr += nr)
                for (int ir = 0; ir < ocPad; ir += mr)
                    DirectMicroKernels.Run(isa, c, a + (long)ir * c, b + jr, offsets, cm + (long)ir * mRow + jr, mRow);
            }

            // Output transform, four rows of a row of tiles at a time, then the epilogue row by row.
            for (int o = 0; o < oc; o++)
            {
                float bias = ops.Bias == null ? 0f : ops.Bias[o];
                float* mo = m + (long)o * mRow;
                for (int r = r0; r < r1; r++)
                {
                    int n = r / th, ty = r % th;
                    float* mt = mo + (long)(r - r0) * tw;
                    if (head > 0) WinogradF4Transforms.OutputRow<TV, TL>(mt, lanesPadded, head, staging, stageStride, temp);
                    if (head < tw)
                        WinogradF4Transforms.OutputRow<Vector256<float>, WinogradLanes256>(mt + head, lanesPadded,
                            tw - head, staging + 4 * head, stageStride, temp);
                    for (int i = 0, y = 4 * ty; i < 4 && y < oh; i++, y++)
                    {
                        long at = (((long)n * oc + o) * oh + y) * ow;
                        ConvEpilogue.Row(staging + i * stageStride, ops.Residual == null ? null : ops.Residual + at,
                            ops.Output + at, bias, ops.Bias != null, ops.Relu, ow);
                    }
                }
            }
        }
    }
}
