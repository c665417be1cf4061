using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// ∂W (and ∂b) of a 3×3 stride-1 convolution by Winograd's F(2×2, 3×3) (<see cref="WinogradTransforms"/>): the
/// forward pass computes each 2×2 output tile as <c>Aᵀ[Σ_c U[o,c] ⊙ V[c]]A</c> with <c>U = G g Gᵀ</c> and
/// <c>V = Bᵀ d B</c>, so <c>∂U[ξ][o,c] = Σ_tiles ∂M[ξ][o,tile]·V[ξ][c,tile]</c> with <c>∂M = A ∂Y Aᵀ</c> (∂Y's 2×2
/// tile, zero past the output) and <c>∂g = Gᵀ ∂U G</c>: 2.25× fewer multiplications than the direct weight gradient.
/// </summary>
/// <remarks>
/// Per block of whole images (or of tile rows of one large image), X and ∂Y are copied channels-last (8×8 transposes;
/// once an image), the transforms run vectorised across channels and write V packed in slivers of MR channels and ∂M
/// in rows of output channels, so that the 16
/// products <c>∂U[ξ]ᵀ = V[ξ]·∂M[ξ]ᵀ</c> (C × OC, summed over the block's tiles) run on
/// <see cref="DirectMicroKernels"/> with the tiles as the long K dimension. The images are split into
/// <see cref="MaxPartials"/> (or fewer) fixed ranges, each summed into its own ∂U, and those are added in order before
/// the inverse transform: results are the same for any thread count.
/// </remarks>
internal static unsafe class WinogradWeightGradient
{
    /// <summary>Image ranges summed apart (and the most threads used).</summary>
    public const int MaxPartials = 4;

    /// <summary>Scratch slots: channels-last X and ∂Y (2), packed V (3), ∂M (6), block sums (4) per worker; partial
    /// sums (caller, 5).</summary>
    private const int ChannelsLastSlot = 2, VSlot = 3, MSlot = 6, CSlot = 4, PartialSlot = 5;

    /// <summary>Bytes a block's V and ∂M (all 16 points) aim for: the transforms write them and the products read them
    /// back, from L2. A block is whole images (at least one), or rows of tiles of one image when an image has more
    /// (a 64×64 map's 1,024 tiles wrote 4 MB per block for 32 channels, read back from L3).</summary>
    private const int BlockBytes = 768 * 1024;

    /// <summary>Fewest and most tiles a block takes, whatever the bytes: the products' K (with fewer, adding each
    /// block's C × OC sums costs more than the cache saves).</summary>
    private const int MinBlockTiles = 128, MaxBlockTiles = 256;

    /// <summary>Channel padding of the channels-last copies (one 8-lane vector).</summary>
    private const int Lanes = 8;

    /// <summary>Whether this kernel takes ∂W of <paramref name="g"/>: on AVX-512 (where it measured faster than the
    /// direct and lowered weight gradients), the shapes on which the forward pass runs Winograd with cached weights
    /// (<see cref="WinogradConvolution.Handles"/>; from 16 tiles per image): ∂W transforms no weights per call, only
    /// its 16 sums back.</summary>
    public static bool Handles(in ConvGeometry g) =>
        GemmBlocking.BestIsa == GemmIsa.Avx512 && WinogradConvolution.Handles(g, cached: true);

    /// <summary>Adds ∂W into <c>ops.Weight</c> and ∂b into <c>ops.Bias</c> (when not null); <c>ops.Input</c> is X,
    /// <c>ops.Output</c> ∂Y.</summary>
    public static void Run(in ConvOperands ops, int threads) => Run(ops, threads, GemmBlocking.BestIsa);

    /// <summary>As above on <paramref name="isa"/> (tests run every instruction set the machine has).</summary>
    public static void Run(in ConvOperands ops, int threads, GemmIsa isa)
    {
        var g = ops.G;
        if (g.Batch == 0) return;
        var plan = new Plan(g, isa);
        long stride = plan.PartialFloats + g.OutChannels;
        float* buffers = NativeScratch.Get(PartialSlot, stride * plan.Partials);
        var work = JobCache<Work>.Rent();
        work.Set(ops, isa, plan, buffers, stride);
        JobCache<Work>.RunAndReturn(work, plan.Partials, threads);
        for (int s = 1; s < plan.Partials; s++)
            KernelMath.AddInPlace(new Span<float>(buffers, (int)stride), new ReadOnlySpan<float>(buffers + s * stride, (int)stride));
        InverseTransform(buffers, g.OutChannels, g.InChannels, plan.OcPad, (long)plan.CPad * plan.OcPad, ops.Weight);
        if (ops.Bias != null)
            KernelMath.AddInPlace(new Span<float>(ops.Bias, g.OutChannels), new ReadOnlySpan<float>(buffers + plan.PartialFloats, g.OutChannels));
    }

    /// <summary><c>dw[o, c] += Gᵀ ∂U[o, c] G</c> (3×3 from 4×4), ∂U stored <c>du[ξ·ps + c·ldo + o]</c>.</summary>
    private static void InverseTransform(float* du, int oc, int c, int ldo, long ps, float* dw)
    {
        float* s = stackalloc float[12];
        for (int o = 0; o < oc; o++)
        for (int ci = 0; ci < c; ci++)
        {
            float* u = du + (long)ci * ldo + o;
            // S = Gᵀ ∂U (3×4), column by column.
            for (int b = 0; b < 4; b++)
            {
                float u0 = u[b * ps], u1 = u[(4 + b) * ps], u2 = u[(8 + b) * ps], u3 = u[(12 + b) * ps];
                s[b] = u0 + 0.5f * (u1 + u2);
                s[4 + b] = 0.5f * (u1 - u2);
                s[8 + b] = 0.5f * (u1 + u2) + u3;
            }
            float* d = dw + ((long)o * c + ci) * 9;
            for (int i = 0; i < 3; i++)
            {
                float s0 = s[4 * i], s1 = s[4 * i + 1], s2 = s[4 * i + 2], s3 = s[4 * i + 3];
                d[3 * i] += s0 + 0.5f * (s1 + s2);
                d[3 * i + 1] += 0.5f * (s1 - s2);
                d[3 * i + 2] += 0.5f * (s1 + s2) + s3;
            }
        }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    /// <summary>Floats between the 16 points of V or ∂M: one cache line more than they hold, so that the transforms'
    /// 16 store streams do not fall into the same cache sets when a point's size is a power of two.</summary>
    private static long PointStride(long floats) => (floats + 15) / 16 * 16 + 16;

    /// <summary>Tiles, partials, blocks and buffer sizes of one call, fixed by the geometry and instruction set.
    /// </summary>
    private readonly struct Plan
    {
        /// <summary>Tiles per image and their grid; images per partial range and per block, tile rows per block;
        /// MR×NR register block; channels padded to 8 (input) and to NR (output); channels-last sizes (padded rows ×
        /// columns per image).
        /// </summary>
        public readonly int TilesHigh, TilesWide, Tiles, Partials, ImagesPerBlock, RowsPerBlock, Mr, Nr, CPad, OcPad8, OcPad;
        public readonly int XRows, XCols, YRows, YCols;
        public readonly long PartialFloats;

        public Plan(in ConvGeometry g, GemmIsa isa)
        {
            (Mr, Nr) = DirectConvolution.Block(isa);
            TilesHigh = (g.OutHeight + 1) / 2;
            TilesWide = (g.OutWidth + 1) / 2;
            Tiles = TilesHigh * TilesWide;
            Partials = Math.Min(MaxPartials, g.Batch);
            CPad = RoundUp(g.InChannels, Lanes);
            OcPad8 = RoundUp(g.OutChannels, Lanes);
            OcPad = RoundUp(g.OutChannels, Nr);
            int blockTiles = Math.Clamp(BlockBytes / (WinogradTransforms.Points * (CPad + OcPad) * sizeof(float)),
                MinBlockTiles, MaxBlockTiles);
            ImagesPerBlock = Math.Max(1, blockTiles / Tiles);
            RowsPerBlock = Tiles <= blockTiles ? TilesHigh : Math.Max(1, blockTiles / TilesWide);
            (XRows, XCols) = (2 * TilesHigh + 2, 2 * TilesWide + 2);
            (YRows, YCols) = (2 * TilesHigh, 2 * TilesWide);
            PartialFloats = (long)WinogradTransforms.Points * CPad * OcPad;
        }
    }

    /// <summary>One range of images into its own ∂U; one instance per calling thread, reused.</summary>
    private sealed class Work : ParallelJob
    {
        private ConvOperands _ops;
        private GemmIsa _isa;
        private Plan _plan;
        private float* _buffers;
        private long _stride;

        public void Set(in ConvOperands ops, GemmIsa isa, in Plan plan, float* buffers, long stride)
        {
            _ops = ops; _isa = isa; _plan = plan; _buffers = buffers; _stride = stride;
        }

        public override void Execute(int item)
        {
            var g = _ops.G;
            var p = _plan;
            const int points = WinogradTransforms.Points;
            int c = g.InChannels, oc = g.OutChannels, mr = p.Mr, nr = p.Nr;
            float* du = _buffers + item * _stride, db = du + p.PartialFloats;
            new Span<float>(du, (int)_stride).Clear();
            int n0 = (int)((long)g.Batch * item / p.Partials), n1 = (int)((long)g.Batch * (item + 1) / p.Partials);
            int perBlock = Math.Min(p.ImagesPerBlock, n1 - n0), maxLanes = perBlock * p.RowsPerBlock * p.TilesWide;
            long xImage = (long)p.XRows * p.XCols * p.CPad, yImage = (long)p.YRows * p.YCols * p.OcPad8;
            float* xt = NativeScratch.Get(ChannelsLastSlot, perBlock * (xImage + yImage) + maxLanes + 16);
            float* yt = xt + perBlock * xImage;
            int* offsets = (int*)(yt + perBlock * yImage);
            // Positions past the input or output and channels past C or OC are never written: zero once.
            new Span<float>(xt, (int)(perBlock * (xImage + yImage))).Clear();
            long vPoint = PointStride((long)p.CPad * maxLanes), mPoint = PointStride((long)maxLanes * p.OcPad);
            float* v = NativeScratch.Get(VSlot, points * vPoint);
            float* dm = NativeScratch.Get(MSlot, points * mPoint);
            if (p.OcPad > p.OcPad8) new Span<float>(dm, (int)(points * mPoint)).Clear();
            long cBlock = (long)p.CPad * p.OcPad;
            float* cb = NativeScratch.Get(CSlot, cBlock);
            for (int t = 0; t < maxLanes; t++) offsets[t] = t * p.OcPad;
            bool avx = _isa != GemmIsa.Scalar && Avx.IsSupported;
            long inPlane = (long)g.InHeight * g.InWidth, outPlane = (long)g.OutHeight * g.OutWidth;

            for (int nb = n0; nb < n1; nb += perBlock)
            {
                int count = Math.Min(perBlock, n1 - nb);
                for (int i = 0; i < count; i++)
                {
                    int n = nb + i;
                    ChannelsLast.Copy(_ops.Input + (long)n * c * inPlane, c, g.InHeight, g.InWidth,
                        xt + i * xImage + ((long)g.PadTop * p.XCols + g.PadLeft) * p.CPad, p.XCols, p.CPad, avx);
                    float* dy = _ops.Output + (long)n * oc * outPlane;
                    ChannelsLast.Copy(dy, oc, g.OutHeight, g.OutWidth, yt + i * yImage, p.YCols, p.OcPad8, avx);
                    for (int o = 0; o < oc; o++)
                        db[o] += KernelMath.Sum(new ReadOnlySpan<float>(dy + o * outPlane, (int)outPlane));
                }
                for (int ty0 = 0; ty0 < p.TilesHigh; ty0 += p.RowsPerBlock)
                {
                    int ty1 = Math.Min(p.TilesHigh, ty0 + p.RowsPerBlock), lanes = count * (ty1 - ty0) * p.TilesWide;
                    InputTransform(xt, count, p, ty0, ty1, lanes, v);
                    GradientTransform(yt, count, p, ty0, ty1, lanes, dm);
                    // ∂U[ξ]ᵀ += V[ξ] · ∂M[ξ]ᵀ: CPad × OcPad, K = the block's tiles.
                    for (int x = 0; x < points; x++)
                    {
                        float* a = v + x * PointStride((long)p.CPad * lanes), b = dm + x * PointStride((long)lanes * p.OcPad);
                        float* u = du + x * cBlock;
                        for (int ir = 0; ir < p.CPad; ir += mr)
                        for (int jr = 0; jr < p.OcPad; jr += nr)
                            DirectMicroKernels.Run(_isa, lanes, a + (long)ir * lanes, b + jr, offsets, cb + (long)ir * p.OcPad + jr, p.OcPad);
                        KernelMath.AddInPlace(new Span<float>(u, (int)cBlock), new ReadOnlySpan<float>(cb, (int)cBlock));
                    }
                }
            }
        }
    }

    /// <summary>
    /// <c>v[ξ][c / MR][t][c % MR] = (Bᵀ d B)[ξ]</c> for the tiles t in tile rows [<paramref name="ty0"/>,
    /// <paramref name="ty1"/>) of <paramref name="count"/> channels-last images (<paramref name="xt"/>), 8 channels per
    /// vector: V packed in slivers of MR channels, as the register blocks read A (K = <paramref name="lanes"/> tiles).
    /// </summary>
    private static void InputTransform(float* xt, int count, in Plan p, int ty0, int ty1, int lanes, float* v)
    {
        int cp = p.CPad, mr = p.Mr, cols = p.XCols;
        long xImage = (long)p.XRows * cols * cp, point = PointStride((long)cp * lanes), row = (long)cols * cp;
        for (int i = 0; i < count; i++)
        for (int ty = ty0; ty < ty1; ty++)
        for (int tx = 0; tx < p.TilesWide; tx++)
        {
            int t = (i * (ty1 - ty0) + ty - ty0) * p.TilesWide + tx;
            float* d0 = xt + i * xImage + (2L * ty * cols + 2 * tx) * cp;
            for (int cv = 0; cv < cp; cv += Lanes)
            {
                float* d = d0 + cv;
                var d00 = Vector256.Load(d); var d01 = Vector256.Load(d + cp);
                var d02 = Vector256.Load(d + 2 * cp); var d03 = Vector256.Load(d + 3 * cp);
                d += row;
                var d10 = Vector256.Load(d); var d11 = Vector256.Load(d + cp);
                var d12 = Vector256.Load(d + 2 * cp); var d13 = Vector256.Load(d + 3 * cp);
                d += row;
                var d20 = Vector256.Load(d); var d21 = Vector256.Load(d + cp);
                var d22 = Vector256.Load(d + 2 * cp); var d23 = Vector256.Load(d + 3 * cp);
                d += row;
                var d30 = Vector256.Load(d); var d31 = Vector256.Load(d + cp);
                var d32 = Vector256.Load(d + 2 * cp); var d33 = Vector256.Load(d + 3 * cp);
                // Bᵀ d (rows), then (Bᵀ d) B (columns), as WinogradTransforms.InputRow.
                float* dst = v + (long)cv / mr * lanes * mr + (long)t * mr;
                Row(d00 - d20, d01 - d21, d02 - d22, d03 - d23, dst, point, mr, lanes);
                Row(d10 + d20, d11 + d21, d12 + d22, d13 + d23, dst + 4 * point, point, mr, lanes);
                Row(d20 - d10, d21 - d11, d22 - d12, d23 - d13, dst + 8 * point, point, mr, lanes);
                Row(d10 - d30, d11 - d31, d12 - d32, d13 - d33, dst + 12 * point, point, mr, lanes);
            }
        }

        static void Row(Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> x3, float* o,
            long stride, int mr, int lanes)
        {
            Sliver(x0 - x2, o, mr, lanes);
            Sliver(x1 + x2, o + stride, mr, lanes);
            Sliver(x2 - x1, o + 2 * stride, mr, lanes);
            Sliver(x1 - x3, o + 3 * stride, mr, lanes);
        }
    }

    /// <summary>Stores 8 channels of one tile into slivers of <paramref name="mr"/> (8: one sliver; 4: two, the
    /// second <c>4·lanes</c> floats on).</summary>
    private static void Sliver(Vector256<float> x, float* o, int mr, int lanes)
    {
        if (mr == 8) x.Store(o);
        else
        {
            x.GetLower().Store(o);
            x.GetUpper().Store(o + 4L * lanes);
        }
    }

    /// <summary>
    /// <c>dm[ξ][t][o] = (A ∂y Aᵀ)[ξ]</c> for the tiles t in tile rows [<paramref name="ty0"/>, <paramref name="ty1"/>)
    /// of <paramref name="count"/> channels-last gradients (<paramref name="yt"/>, zero past the output), 8 output
    /// channels per vector: rows of OcPad floats, as the register blocks read B.
    /// </summary>
    private static void GradientTransform(float* yt, int count, in Plan p, int ty0, int ty1, int lanes, float* dm)
    {
        int op = p.OcPad8, ldm = p.OcPad, cols = p.YCols;
        long yImage = (long)p.YRows * cols * op, point = PointStride((long)lanes * ldm), row = (long)cols * op;
        for (int i = 0; i < count; i++)
        for (int ty = ty0; ty < ty1; ty++)
        for (int tx = 0; tx < p.TilesWide; tx++)
        {
            int t = (i * (ty1 - ty0) + ty - ty0) * p.TilesWide + tx;
            float* y0 = yt + i * yImage + (2L * ty * cols + 2 * tx) * op;
            float* dst = dm + (long)t * ldm;
            for (int ov = 0; ov < op; ov += Lanes)
            {
                var y00 = Vector256.Load(y0 + ov); var y01 = Vector256.Load(y0 + op + ov);
                var y10 = Vector256.Load(y0 + row + ov); var y11 = Vector256.Load(y0 + row + op + ov);
                // A ∂y: rows a = 0…3 are y0, y0 + y1, y0 − y1, −y1; then (·)Aᵀ the same on columns.
                float* o = dst + ov;
                Row(y00, y01, o, point);
                Row(y00 + y10, y01 + y11, o + 4 * point, point);
                Row(y00 - y10, y01 - y11, o + 8 * point, point);
                Row(-y10, -y11, o + 12 * point, point);
            }
        }

        static void Row(Vector256<float> a0, Vector256<float> a1, float* o, long stride)
        {
            a0.Store(o);
            (a0 + a1).Store(o + stride);
            (a0 - a1).Store(o + 2 * stride);
            (-a1).Store(o + 3 * stride);
        }
    }
}
