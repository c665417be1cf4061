using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The three transforms of Winograd's F(4×4, 3×3) (Lavin &amp; Gray 2015): each 4×4 output tile is
/// <c>Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A</c>, d the tile's 6×6 input window (stride 4 between tiles), g the 3×3 kernel,
/// with <c>Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]</c>,
/// <c>G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]</c>,
/// <c>Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]</c>. The 36 points ξ = 6i + j are summed over
/// input channels by 36 GEMMs. Vectorised across tiles as <see cref="WinogradTransforms"/>: lane t is tile t of a row
/// of tiles.
/// </summary>
/// <remarks>
/// The input is read through its padded rows split by column phase, <c>phase[q][p][u] = padded(p, 4u + q)</c>, so
/// element (i, j) of the window of tile (ty, tx) is <c>phase[j mod 4][4ty + i][tx + j div 4]</c> and a row of tiles
/// loads contiguous lanes.
/// </remarks>
internal static unsafe class WinogradF4Transforms
{
    /// <summary>Points of the transformed 6×6 window.</summary>
    public const int Points = 36;

    /// <summary>
    /// <c>u[ξ][o / MR][c][o % MR] = (G w[o, c] Gᵀ)[ξ]</c>, zero for o ≥ OC, as
    /// <see cref="WinogradTransforms.TransformWeights"/> (same layout, 36 points; <paramref name="flipped"/>: the
    /// weights of the stride-1 input gradient).
    /// </summary>
    public static void TransformWeights(float* w, int oc, int c, int mr, float* u, bool flipped = false)
    {
        int ocPad = (oc + mr - 1) / mr * mr;
        long ps = (long)ocPad * c;
        float* t = stackalloc float[18];
        for (int o = 0; o < ocPad; o++)
        for (int ci = 0; ci < c; ci++)
        {
            float* d = u + (long)(o / mr) * c * mr + (long)ci * mr + o % mr;
            if (o >= oc)
            {
                for (int p = 0; p < Points; p++) d[p * ps] = 0f;
                continue;
            }
            float* g = w + (flipped ? (long)ci * oc + o : (long)o * c + ci) * 9;
            // t = G g (6×3), column by column (the flip reverses the nine taps); then u = t Gᵀ (6×6), row by row.
            for (int j = 0; j < 3; j++)
            {
                if (flipped) Apply(g[8 - j], g[5 - j], g[2 - j], t + j, 3);
                else Apply(g[j], g[3 + j], g[6 + j], t + j, 3);
            }
            for (int i = 0; i < 6; i++) Apply(t[3 * i], t[3 * i + 1], t[3 * i + 2], d + 6 * i * ps, ps);
        }

        // G (r0, r1, r2)ᵀ into dst[k·stride], k = 0…5.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Apply(float r0, float r1, float r2, float* dst, long stride)
        {
            float even = r0 + r2;
            dst[0] = r0 * 0.25f;
            dst[stride] = -(even + r1) / 6f;
            dst[2 * stride] = -(even - r1) / 6f;
            float quarter = r0 / 24f + r2 / 6f, half = r1 / 12f;
            dst[3 * stride] = quarter + half;
            dst[4 * stride] = quarter - half;
            dst[5 * stride] = r2;
        }
    }

    /// <summary>
    /// Padded rows <paramref name="p0"/>…<paramref name="p1"/> of one channel (<paramref name="plane"/>, H×W) split
    /// by column phase: <c>phase[q·phaseStride + p·rowStride + u] = padded(p, 4u + q)</c>. Only the positions of input
    /// pixels and of the padding to their right are written (the latter with zeros): the caller zeroes the buffers
    /// once, and the padding positions stay zero. With <paramref name="avx512"/>, 64 columns at a time, the last
    /// ones through <paramref name="tail"/> (64 floats, zero from the caller; only its first W mod 64 are written),
    /// which writes up to 16 positions of each phase past the row's last pixel.
    /// </summary>
    public static void SplitPhases(float* plane, int h, int w, int pt, int pl, int p0, int p1, float* phase,
        long phaseStride, int rowStride, bool avx512, float* tail)
    {
        int y0 = Math.Max(0, p0 - pt), y1 = Math.Min(h - 1, p1 - pt);
        // Input column 4k + q goes to padded column 4k + q + pl: phase (q + pl) mod 4, index k + (q + pl) div 4.
        float* d0 = phase + (pl % 4) * phaseStride + pl / 4;
        float* d1 = phase + ((1 + pl) % 4) * phaseStride + (1 + pl) / 4;
        float* d2 = phase + ((2 + pl) % 4) * phaseStride + (2 + pl) / 4;
        float* d3 = phase + ((3 + pl) % 4) * phaseStride + (3 + pl) / 4;
        int whole = w / 64 * 64, rest = w - whole;
        for (int y = y0; y <= y1; y++)
        {
            float* src = plane + (long)y * w;
            long row = (long)(y + pt) * rowStride;
            if (avx512)
            {
                for (int x = 0; x < whole; x += 64) Split64(src + x, row + x / 4);
                if (rest > 0)
                {
                    int x = 0;
                    for (; x + 16 <= rest; x += 16) Vector512.Load(src + whole + x).Store(tail + x);
                    for (; x < rest; x++) tail[x] = src[whole + x];
                    Split64(tail, row + whole / 4);
                }
                continue;
            }
            for (int x = 0; x < w; x++)
            {
                int q = x + pl;
                phase[(q & 3) * phaseStride + row + (q >> 2)] = src[x];
            }
        }

        void Split64(float* s, long at)
        {
            var evens = PermuteIndices.Evens;
            var odds = PermuteIndices.Odds;
            Vector512<float> a = Vector512.Load(s), b = Vector512.Load(s + 16);
            Vector512<float> c = Vector512.Load(s + 32), d = Vector512.Load(s + 48);
            Vector512<float> e0 = Avx512F.PermuteVar16x32x2(a, evens, b), o0 = Avx512F.PermuteVar16x32x2(a, odds, b);
            Vector512<float> e1 = Avx512F.PermuteVar16x32x2(c, evens, d), o1 = Avx512F.PermuteVar16x32x2(c, odds, d);
            Avx512F.PermuteVar16x32x2(e0, evens, e1).Store(d0 + at);
            Avx512F.PermuteVar16x32x2(o0, evens, o1).Store(d1 + at);
            Avx512F.PermuteVar16x32x2(e0, odds, e1).Store(d2 + at);
            Avx512F.PermuteVar16x32x2(o0, odds, o1).Store(d3 + at);
        }
    }

    /// <summary>
    /// <c>v[ξ·pointStride + t] = (Bᵀ d B)[ξ]</c> for the tiles t &lt; <paramref name="tiles"/> of one row of tiles
    /// of one channel, <paramref name="phase"/> pointing at the first padded row of that row of tiles in the
    /// phase-split planes (<see cref="SplitPhases"/>). Writes whole vectors: lanes up to <paramref name="tiles"/>
    /// rounded up to the vector width are overwritten. <paramref name="temp"/>: 36 vectors of scratch.
    /// </summary>
    public static void InputRow<TV, TL>(float* phase, long phaseStride, int rowStride, int tiles, float* v,
        long pointStride, float* temp)
        where TV : struct where TL : struct, IWinogradLanes<TV>
    {
        int vw = TL.Width;
        for (int t = 0; t < tiles; t += vw)
        {
            // Bᵀ d, column j of the window at a time: temp[6k + j] = Σ_i Bᵀ[k][i] d[i][j].
            for (int j = 0; j < 6; j++)
            {
                float* s = phase + (j & 3) * phaseStride + t + (j >> 2);
                TV x0 = TL.Load(s), x1 = TL.Load(s + rowStride), x2 = TL.Load(s + 2 * rowStride);
                TV x3 = TL.Load(s + 3 * rowStride), x4 = TL.Load(s + 4 * rowStride), x5 = TL.Load(s + 5 * rowStride);
                Transform(x0, x1, x2, x3, x4, x5, temp + j * vw, 6 * vw);
            }
            // (Bᵀ d) B, row k at a time.
            for (int k = 0; k < 6; k++)
            {
                float* s = temp + 6 * k * vw;
                TV x0 = TL.Load(s), x1 = TL.Load(s + vw), x2 = TL.Load(s + 2 * vw);
                TV x3 = TL.Load(s + 3 * vw), x4 = TL.Load(s + 4 * vw), x5 = TL.Load(s + 5 * vw);
                Transform(x0, x1, x2, x3, x4, x5, v + 6 * k * pointStride + t, pointStride);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Transform(TV x0, TV x1, TV x2, TV x3, TV x4, TV x5, float* o, long stride)
        {
            TV a = TL.Sub(x4, x2), b = TL.Add(x3, x4), c = TL.Add(x1, x2);
            TV e = TL.Sub(x4, x3), f = TL.Sub(x1, x2), g = TL.Sub(x3, x1);
            TL.Store(TL.Add(TL.Sub(TL.Scale(x0, 4f), TL.Scale(x2, 5f)), x4), o);
            TL.Store(TL.Sub(b, TL.Scale(c, 4f)), o + stride);
            TL.Store(TL.Add(e, TL.Scale(f, 4f)), o + 2 * stride);
            TL.Store(TL.Add(a, TL.Scale(g, 2f)), o + 3 * stride);
            TL.Store(TL.Sub(a, TL.Scale(g, 2f)), o + 4 * stride);
            TL.Store(TL.Add(TL.Sub(TL.Scale(x1, 4f), TL.Scale(x3, 5f)), x5), o + 5 * stride);
        }
    }

    /// <summary>
    /// The 4×4 outputs of a row of tiles of one output channel from <c>m[ξ·pointStride + t]</c>:
    /// <c>out[i·outStride + 4t + j] = (Aᵀ m A)[i, j]</c>. Writes whole vectors, 4·(tiles rounded up to the vector
    /// width) floats per row. <paramref name="temp"/>: 24 vectors of scratch.
    /// </summary>
    public static void OutputRow<TV, TL>(float* m, long pointStride, int tiles, float* output, int outStride,
        float* temp)
        where TV : struct where TL : struct, IWinogradLanes<TV>
    {
        int vw = TL.Width;
        for (int t = 0; t < tiles; t += vw)
        {
            // Aᵀ m, column j of the point matrix at a time: temp[6i + j].
            for (int j = 0; j < 6; j++)
            {
                float* s = m + j * pointStride + t;
                TV x0 = TL.Load(s), x1 = TL.Load(s + 6 * pointStride), x2 = TL.Load(s + 12 * pointStride);
                TV x3 = TL.Load(s + 18 * pointStride), x4 = TL.Load(s + 24 * pointStride);
                TV x5 = TL.Load(s + 30 * pointStride);
                Transform(x0, x1, x2, x3, x4, x5, out var y0, out var y1, out var y2, out var y3);
                TL.Store(y0, temp + j * vw);
                TL.Store(y1, temp + (6 + j) * vw);
                TL.Store(y2, temp + (12 + j) * vw);
                TL.Store(y3, temp + (18 + j) * vw);
            }
            // (Aᵀ m) A, row i at a time, the four columns of each tile interleaved.
            for (int i = 0; i < 4; i++)
            {
                float* s = temp + 6 * i * vw;
                TV x0 = TL.Load(s), x1 = TL.Load(s + vw), x2 = TL.Load(s + 2 * vw);
                TV x3 = TL.Load(s + 3 * vw), x4 = TL.Load(s + 4 * vw), x5 = TL.Load(s + 5 * vw);
                Transform(x0, x1, x2, x3, x4, x5, out var y0, out var y1, out var y2, out var y3);
                TL.StoreInterleaved4(y0, y1, y2, y3, output + (long)i * outStride + 4 * t);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Transform(TV x0, TV x1, TV x2, TV x3, TV x4, TV x5, out TV y0, out TV y1, out TV y2, out TV y3)
        {
            TV a = TL.Add(x1, x2), b = TL.Sub(x1, x2), c = TL.Add(x3, x4), d = TL.Sub(x3, x4);
            y0 = TL.Add(TL.Add(x0, a), c);
            y1 = TL.Add(b, TL.Scale(d, 2f));
            y2 = TL.Add(a, TL.Scale(c, 4f));
            y3 = TL.Add(TL.Add(b, TL.Scale(d, 8f)), x5);
        }
    }
}
