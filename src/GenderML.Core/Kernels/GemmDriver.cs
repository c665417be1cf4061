using System.Runtime.CompilerServices;

namespace GenderML.Core.Kernels;

/// <summary>
/// The blocked SGEMM: C is cut into a grid of tiles; each tile runs the whole K loop, in blocks of KC fixed by
/// the instruction set, on one thread. K is never split, and an element's sum does not depend on which tile it
/// falls in (edge tiles go through a scratch tile with the same arithmetic), so every element of C comes out
/// bit-identical for any tiling. That lets the grid follow the thread count: one tile per call on one thread
/// (each operand packed once), a few tiles per thread otherwise.
/// </summary>
/// <remarks>The driver's hot path (<c>Run</c>, a tile, a register block, the packing and the 8×32 micro-kernel) is
/// compiled once at full optimisation (<see cref="MethodImplOptions.AggressiveOptimization"/>), not tiered with dynamic
/// PGO: one process runs it for every network, and code compiled on the first network's profile (a dense head's small
/// GEMMs) ran a later network's convolutions far slower (docs/BENCHMARKS.md).</remarks>
internal static unsafe class GemmDriver
{
    /// <summary>Below this many multiply-adds a second thread costs more than it saves.</summary>
    private const long ParallelThreshold = 1L << 19;

    /// <summary>Tiles per thread the grid aims for, so threads can share the work evenly.</summary>
    private const int TilesPerThread = 2;

    /// <summary>Tallest tile before the grid splits rows for size alone (the tile walks it in MC blocks).</summary>
    private const int MaxTileRows = 768;

    /// <summary>Smallest tile sides the grid splits down to.</summary>
    private const int MinTileRows = 64, MinTileCols = 128;

    /// <summary>Runs C = op(A)·op(B) (or C += …) with pointers already validated.</summary>
    public static void Run(GemmIsa isa, bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, int threads)
        => Run(GemmBlocking.For(isa), transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, threads);

    /// <summary>Runs C = op(A)·B (or C += …) where B (k×n) is packed on demand by <paramref name="packer"/>.</summary>
    public static void Run(GemmIsa isa, bool transA, int m, int n, int k, float* a, int lda, GemmBPacker packer,
        float* c, int ldc, bool accumulate, int threads)
        => Run(GemmBlocking.For(isa), transA, false, m, n, k, a, lda, null, 0, c, ldc, accumulate, threads, packer);

    /// <summary>
    /// As above with explicit block sizes (for tests and tuning). With <paramref name="cSegment"/> &gt; 0 (a multiple
    /// of 32, so no register block straddles two segments), C's columns come in segments of that many, segment s
    /// starting <paramref name="cSegmentStride"/>·s floats after the first: element (i, j) is at
    /// <c>c[i·ldc + (j / cSegment)·cSegmentStride + j % cSegment]</c> — a batch of NCHW images written in place.
    /// A non-empty <paramref name="epilogue"/> is applied to each register block of C after its last K step (row i
    /// takes bias[i]). A non-null <paramref name="packedA"/> is A already packed for <paramref name="blocking"/> (see
    /// <see cref="PackedWeights.Gemm"/>); A itself is then not read. Likewise <paramref name="packedB"/> for B
    /// (see <see cref="PackedWeights.GemmTransposed(float*, in ConvGeometry, in GemmBlocking)"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(GemmBlocking blocking, bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, int threads, GemmBPacker? packer = null,
        int cSegment = 0, long cSegmentStride = 0, ConvEpilogue epilogue = default, float* packedA = null, float* packedB = null)
    {
        if (m == 0 || n == 0) return;
        if (cSegment > 0 && cSegment % 32 != 0)
            throw new InvalidOperationException($"GemmDriver: column segments of {cSegment} are not a multiple of 32");
        if (k == 0)
        {
            if (!epilogue.IsEmpty) throw new InvalidOperationException("GemmDriver: an epilogue needs k > 0");
            if (!accumulate)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j += cSegment > 0 ? cSegment : n)
                        new Span<float>(c + (long)i * ldc + (cSegment > 0 ? j / cSegment * cSegmentStride : 0), Math.Min(n - j, cSegment > 0 ? cSegment : n)).Clear();
            return;
        }

        bool parallel = threads > 1 && (long)m * n * k >= ParallelThreshold;
        int targetTiles = parallel ? TilesPerThread * threads : 1;
        var problem = new GemmProblem(blocking, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, targetTiles, packer,
            cSegment, cSegmentStride, epilogue, packedA, packedB);
        int tiles = problem.TileCount;
        if (!parallel || tiles == 1)
        {
            for (int t = 0; t < tiles; t++) problem.RunTile(t);
            return;
        }
        var job = JobCache<GemmJob>.Rent();
        job.Problem = problem;
        JobCache<GemmJob>.RunAndReturn(job, tiles, threads);
    }

    private sealed class GemmJob : ParallelJob
    {
        public GemmProblem Problem;

        public override void Execute(int item) => Problem.RunTile(item);
    }

    /// <summary>One multiplication: operands, blocking, and its fixed grid of C tiles.</summary>
    private readonly struct GemmProblem
    {
        private readonly GemmBlocking _bk;
        private readonly bool _transA, _transB, _accumulate;
        private readonly int _m, _n, _k, _lda, _ldb, _ldc;
        private readonly float* _a, _b, _c;
        private readonly int _tileRows, _tileCols, _rowTiles;
        private readonly GemmBPacker? _packer;
        private readonly int _cSegment;
        private readonly long _cSegmentStride;
        private readonly ConvEpilogue _epilogue;
        private readonly float* _packedA, _packedB;

        public GemmProblem(GemmBlocking bk, bool transA, bool transB, int m, int n, int k,
            float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, int targetTiles, GemmBPacker? packer,
            int cSegment, long cSegmentStride, ConvEpilogue epilogue, float* packedA, float* packedB)
        {
            _epilogue = epilogue;
            _packedA = packedA;
            _packedB = packedB;
            _bk = bk; _transA = transA; _transB = transB; _accumulate = accumulate;
            _m = m; _n = n; _k = k; _a = a; _b = b; _c = c; _lda = lda; _ldb = ldb; _ldc = ldc;
            _packer = packer;
            _cSegment = cSegment;
            _cSegmentStride = cSegmentStride;

            // Big tiles keep packing cheap (B is packed once per tile, A once per tile column); split the
            // longer side until there are enough tiles for the threads to share.
            int rowTiles = CeilDiv(m, MaxTileRows), colTiles = CeilDiv(n, bk.NC);
            while (rowTiles * colTiles < targetTiles)
            {
                int rows = CeilDiv(m, rowTiles), cols = CeilDiv(n, colTiles);
                // An implicit B costs more to pack than A: each row tile packs all of its columns again, so split
                // columns first.
                bool splitRows = rows >= 2 * MinTileRows && ((packer is null && rows >= cols) || cols < 2 * MinTileCols);
                if (splitRows) rowTiles++;
                else if (cols >= 2 * MinTileCols) colTiles++;
                else break;
            }
            _tileRows = RoundUp(CeilDiv(m, rowTiles), bk.MR);
            _tileCols = RoundUp(CeilDiv(n, colTiles), bk.NR);
            _rowTiles = CeilDiv(m, _tileRows);
        }

        public int TileCount => _rowTiles * CeilDiv(_n, _tileCols);

        /// <summary>Computes tile <paramref name="tile"/> of C through the whole K dimension.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunTile(int tile)
        {
            var bk = _bk;
            int i0 = tile % _rowTiles * _tileRows, j0 = tile / _rowTiles * _tileCols;
            int mt = Math.Min(_tileRows, _m - i0), nt = Math.Min(_tileCols, _n - j0);
            int mcStep = RoundUp(CeilDiv(mt, CeilDiv(mt, bk.MC)), bk.MR);
            int kcMax = Math.Min(bk.KC, _k);
            float* aPack = _packedA != null ? null : NativeScratch.Get(0, (long)mcStep * kcMax);
            long mPadded = RoundUp(_m, bk.MR);
            float* bPack = _packedB != null ? null : NativeScratch.Get(1, (long)RoundUp(nt, bk.NR) * kcMax);
            long nPadded = RoundUp(_n, bk.NR);
            float* edge = NativeScratch.Get(2, bk.MR * bk.NR);
            for (int p0 = 0; p0 < _k; p0 += bk.KC)
            {
                int kc = Math.Min(bk.KC, _k - p0);
                bool add = _accumulate || p0 > 0;
                bool last = p0 + kc >= _k && !_epilogue.IsEmpty;
                for (int ic = 0; ic < mt; ic += mcStep)
                {
                    int mc = Math.Min(mcStep, mt - ic);
                    // Fewer rows than a register block left: their full-width blocks run after the others, a row at a
                    // time across several slivers (AVX-512's 8-row block would compute eight rows for one).
                    int edgeRows = mc % bk.MR;
                    bool wideEdge = edgeRows != 0 && EdgeRows && bk.Isa == GemmIsa.Avx512 && bk.MR == 8;
                    float* aBlock = aPack;
                    if (_packedA != null) aBlock = _packedA + p0 * mPadded + (long)(i0 + ic) * kc;
                    else GemmPacking.PackA(_transA, _a, _lda, i0 + ic, mc, p0, kc, bk.MR, aPack);
                    for (int jr = 0; jr < nt; jr += bk.NR)
                    {
                        float* bSliver = _packedB != null ? _packedB + p0 * nPadded + (long)(j0 + jr) * kc : bPack + (long)jr * kc;
                        int cols = Math.Min(bk.NR, nt - jr);
                        // Pack each B sliver just before its first use, while it is hot in L1.
                        if (ic == 0 && _packedB == null)
                        {
                            if (_packer is null) GemmPacking.PackBSliver(_transB, _b, _ldb, p0, kc, j0 + jr, cols, bk.NR, bSliver);
                            else _packer.PackSliver(p0, kc, j0 + jr, cols, bk.NR, bSliver);
                        }
                        int j = j0 + jr;
                        float* cColumn = _c + (_cSegment == 0 ? j : (long)(j / _cSegment) * _cSegmentStride + j % _cSegment);
                        for (int ir = 0; ir < mc; ir += bk.MR)
                        {
                            float* aSliver = aBlock + (long)ir * kc;
                            int rows = Math.Min(bk.MR, mc - ir);
                            float* cTile = cColumn + (long)(i0 + ic + ir) * _ldc;
                            if (rows == bk.MR && cols == bk.NR)
                            {
                                Kernel(bk, kc, aSliver, bSliver, cTile, _ldc, add, _packedB != null);
                            }
                            else if (wideEdge && cols == bk.NR) continue; // below, across the slivers
                            else
                            {
                                Kernel(bk, kc, aSliver, bSliver, edge, bk.NR, add: false, _packedB != null);
                                MergeEdge(edge, bk.NR, cTile, _ldc, rows, cols, add);
                            }
                            if (last) _epilogue.ApplyTile(cTile, _ldc, i0 + ic + ir, rows, cols);
                        }
                    }
                    if (wideEdge) EdgeRowsAcross(aBlock + (long)(mc - edgeRows) * kc, i0 + ic + mc - edgeRows, edgeRows,
                        j0, nt / bk.NR * bk.NR, kc, p0, bPack, add, last);
                }
            }
        }

        /// <summary>Rows <paramref name="row"/>.. (<paramref name="rows"/> &lt; MR) of the tile's first
        /// <paramref name="fullCols"/> columns (whole slivers), four slivers at a time.</summary>
        private void EdgeRowsAcross(float* aSliver, int row, int rows, int j0, int fullCols, int kc, int p0, float* bPack,
            bool add, bool last)
        {
            const int NR = 32;
            long nPadded = RoundUp(_n, NR);
            float** c = stackalloc float*[4];
            for (int jr = 0; jr < fullCols; jr += 4 * NR)
            {
                int slivers = Math.Min(4, (fullCols - jr) / NR);
                float* b = _packedB != null ? _packedB + p0 * nPadded + (long)(j0 + jr) * kc : bPack + (long)jr * kc;
                for (int s = 0; s < slivers; s++)
                {
                    int j = j0 + jr + s * NR;
                    c[s] = _c + (_cSegment == 0 ? j : (long)(j / _cSegment) * _cSegmentStride + j % _cSegment) + (long)row * _ldc;
                }
                GemmEdgeRows.Avx512(rows, slivers, kc, aSliver, b, (nint)NR * kc, c, _ldc, add);
                if (last)
                    for (int s = 0; s < slivers; s++) _epilogue.ApplyTile(c[s], _ldc, row, rows, NR);
            }
        }

        /// <summary>One register block; <paramref name="streamB"/>: B is weights packed once, read from memory.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel(in GemmBlocking bk, int kc, float* a, float* b, float* c, nint ldc, bool add, bool streamB)
        {
            switch (bk.Isa)
            {
                case GemmIsa.Avx512 when bk.MR == 8 && streamB:
                    GemmMicroKernels.Avx512Kernel8x32<PrefetchStream>(kc, a, b, 32, c, ldc, add);
                    break;
                case GemmIsa.Avx512 when bk.MR == 12:
                    GemmMicroKernels.Avx512Kernel12x32(kc, a, b, c, ldc, add);
                    break;
                case GemmIsa.Avx512 when bk.MR == 14:
                    GemmMicroKernels.Avx512Kernel14x32(kc, a, b, c, ldc, add);
                    break;
                case GemmIsa.Avx512:
                    GemmMicroKernels.Avx512Kernel8x32(kc, a, b, c, ldc, add);
                    break;
                case GemmIsa.Avx2:
                    GemmMicroKernels.Avx2Kernel6x16(kc, a, b, c, ldc, add);
                    break;
                default:
                    GemmMicroKernels.ScalarKernel(bk.MR, bk.NR, kc, a, b, c, ldc, add);
                    break;
            }
        }

        private static void MergeEdge(float* edge, int ldEdge, float* c, int ldc, int rows, int cols, bool add)
        {
            for (int r = 0; r < rows; r++)
            {
                float* src = edge + r * ldEdge, dst = c + (long)r * ldc;
                if (add) for (int j = 0; j < cols; j++) dst[j] += src[j];
                else for (int j = 0; j < cols; j++) dst[j] = src[j];
            }
        }
    }

    /// <summary>Whether AVX-512 8×32 blocks with fewer rows left run <see cref="GemmEdgeRows"/> (false: the full
    /// block through an edge tile; tests compare the two).</summary>
    internal static bool EdgeRows = true;

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}
