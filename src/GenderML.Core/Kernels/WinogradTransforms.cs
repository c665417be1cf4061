namespace GenderML.Core.Kernels;

/// <summary>
/// The three transforms of Winograd's F(2×2, 3×3) (Lavin &amp; Gray, "Fast Algorithms for Convolutional Neural
/// Networks", 2015): each 2×2 output tile is <c>Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A</c>, d the tile's 4×4 input window
/// (stride 2 between tiles), g the 3×3 kernel, with
/// <c>Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]</c>, <c>G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]</c>,
/// <c>Aᵀ = [1 1 1 0; 0 1 −1 −1]</c>. The 16 points ξ = 4i + j of the transformed window are summed over input
/// channels by 16 GEMMs. Inputs and outputs are vectorised across tiles: lane t of a vector is tile t of a row of
/// tiles.
/// </summary>
/// <remarks>
/// The input is read through its padded rows split by column parity, <c>even[p][u] = padded(p, 2u)</c> and
/// <c>odd[p][u] = padded(p, 2u + 1)</c>, so element (i, j) of the window of tile (ty, tx) is
/// <c>even/odd[2ty + i][tx + j/2]</c> (by the parity of j) and a row of tiles loads contiguous lanes.
/// </remarks>
internal static unsafe class WinogradTransforms
{
    /// <summary>Points of the transformed 4×4 window.</summary>
    public const int Points = 16;

    /// <summary>
    /// <c>u[ξ][o / MR][c][o % MR] = (G w[o, c] Gᵀ)[ξ]</c>, zero for o ≥ OC: each point's OC×C matrix packed in slivers
    /// of <paramref name="mr"/> rows, as the GEMM microkernels read A. OC rounded up to MR rows per point. With
    /// <paramref name="flipped"/>, the kernel of (o, c) is that of (c, o) in <paramref name="w"/> (stored C×OC×3×3)
    /// turned by 180°: the weights of the stride-1 input gradient.
    /// </summary>
    public static void TransformWeights(float* w, int oc, int c, int mr, float* u, bool flipped = false)
    {
        int ocPad = (oc + mr - 1) / mr * mr;
        long ps = (long)ocPad * c;
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
            float g00, g01, g02, g10, g11, g12, g20, g21, g22;
            if (flipped)
            {
                (g00, g01, g02, g10, g11, g12) = (g[8], g[7], g[6], g[5], g[4], g[3]);
                (g20, g21, g22) = (g[2], g[1], g[0]);
            }
            else
            {
                (g00, g01, g02, g10, g11, g12) = (g[0], g[1], g[2], g[3], g[4], g[5]);
                (g20, g21, g22) = (g[6], g[7], g[8]);
            }
            // t = G g (4×3), then u = t Gᵀ (4×4).
            float t10 = 0.5f * (g00 + g10 + g20), t11 = 0.5f * (g01 + g11 + g21), t12 = 0.5f * (g02 + g12 + g22);
            float t20 = 0.5f * (g00 - g10 + g20), t21 = 0.5f * (g01 - g11 + g21), t22 = 0.5f * (g02 - g12 + g22);
            Row(d, ps, g00, g01, g02);
            Row(d + 4 * ps, ps, t10, t11, t12);
            Row(d + 8 * ps, ps, t20, t21, t22);
            Row(d + 12 * ps, ps, g20, g21, g22);
        }

        static void Row(float* d, long ps, float r0, float r1, float r2)
        {
            d[0] = r0;
            d[ps] = 0.5f * (r0 + r1 + r2);
            d[2 * ps] = 0.5f * (r0 - r1 + r2);
            d[3 * ps] = r2;
        }
    }

    /// <summary>
    /// Padded rows <paramref name="p0"/>…<paramref name="p1"/> of one channel (<paramref name="plane"/>, H×W) split
    /// by column parity: <c>even[p·rowStride + u] = padded(p, 2u)</c>, <c>odd[p·rowStride + u] = padded(p, 2u + 1)</c>.
    /// Only the positions that hold input pixels are written: the caller zeroes the buffers once, and the padding
    /// positions, the same for every channel and image, stay zero.
    /// </summary>
    public static void SplitColumns<TV, TL>(float* plane, int h, int w, int pt, int pl, int p0, int p1,
        float* even, float* odd, int rowStride)
        where TV : struct where TL : struct, IWinogradLanes<TV>
    {
        // Input column 2k goes to padded column 2k + pl: (even, k + pl/2) for even pl, (odd, k) for pl = 1;
        // input column 2k + 1 to (odd, k + pl/2), or (even, k + 1).
        float* toEven = (pl & 1) == 0 ? even + pl / 2 : odd + pl / 2;
        float* toOdd = (pl & 1) == 0 ? odd + pl / 2 : even + (pl + 1) / 2;
        int vw = TL.Width, y0 = Math.Max(0, p0 - pt), y1 = Math.Min(h - 1, p1 - pt);
        for (int y = y0; y <= y1; y++)
        {
            float* src = plane + (long)y * w;
            long row = (long)(y + pt) * rowStride;
            float* e = toEven + row, o = toOdd + row;
            int k = 0;
            for (; 2 * (k + vw) <= w; k += vw)
            {
                TL.LoadDeinterleaved(src + 2 * k, out var ev, out var od);
                TL.Store(ev, e + k);
                TL.Store(od, o + k);
            }
            for (; 2 * k + 1 < w; k++)
            {
                e[k] = src[2 * k];
                o[k] = src[2 * k + 1];
            }
            if (2 * k < w) e[k] = src[2 * k];
        }
    }

    /// <summary>
    /// <c>v[ξ·pointStride + t] = (Bᵀ d B)[ξ]</c> for the tiles t &lt; <paramref name="tiles"/> of one row of tiles
    /// of one channel, <paramref name="even"/> and <paramref name="odd"/> pointing at the first padded row of that
    /// row of tiles in the column-split planes (<see cref="SplitColumns"/>). Writes whole vectors: lanes up to
    /// <paramref name="tiles"/> rounded up to the vector width are overwritten.
    /// </summary>
    public static void InputRow<TV, TL>(float* even, float* odd, int rowStride, int tiles, float* v, long pointStride)
        where TV : struct where TL : struct, IWinogradLanes<TV>
    {
        for (int t = 0; t < tiles; t += TL.Width)
        {
            // d[i][j] = padded(2ty + i, 2t + j): even[i][t + j/2] for even j, odd[i][t + j/2] for odd j.
            float* e = even + t, o = odd + t;
            TV d00 = TL.Load(e), d01 = TL.Load(o), d02 = TL.Load(e + 1), d03 = TL.Load(o + 1);
            e += rowStride; o += rowStride;
            TV d10 = TL.Load(e), d11 = TL.Load(o), d12 = TL.Load(e + 1), d13 = TL.Load(o + 1);
            e += rowStride; o += rowStride;
            TV d20 = TL.Load(e), d21 = TL.Load(o), d22 = TL.Load(e + 1), d23 = TL.Load(o + 1);
            e += rowStride; o += rowStride;
            TV d30 = TL.Load(e), d31 = TL.Load(o), d32 = TL.Load(e + 1), d33 = TL.Load(o + 1);
            // Bᵀ d: rows.
            TV a0 = TL.Sub(d00, d20), a1 = TL.Sub(d01, d21), a2 = TL.Sub(d02, d22), a3 = TL.Sub(d03, d23);
            TV b0 = TL.Add(d10, d20), b1 = TL.Add(d11, d21), b2 = TL.Add(d12, d22), b3 = TL.Add(d13, d23);
            TV c0 = TL.Sub(d20, d10), c1 = TL.Sub(d21, d11), c2 = TL.Sub(d22, d12), c3 = TL.Sub(d23, d13);
            TV e0 = TL.Sub(d10, d30), e1 = TL.Sub(d11, d31), e2 = TL.Sub(d12, d32), e3 = TL.Sub(d13, d33);
            // (Bᵀ d) B: columns.
            float* dst = v + t;
            Row(a0, a1, a2, a3, dst, pointStride);
            Row(b0, b1, b2, b3, dst + 4 * pointStride, pointStride);
            Row(c0, c1, c2, c3, dst + 8 * pointStride, pointStride);
            Row(e0, e1, e2, e3, dst + 12 * pointStride, pointStride);
        }

        static void Row(TV x0, TV x1, TV x2, TV x3, float* o, long stride)
        {
            TL.Store(TL.Sub(x0, x2), o);
            TL.Store(TL.Add(x1, x2), o + stride);
            TL.Store(TL.Sub(x2, x1), o + 2 * stride);
            TL.Store(TL.Sub(x1, x3), o + 3 * stride);
        }
    }

    /// <summary>
    /// The 2×2 outputs of a row of tiles of one output channel from <c>m[ξ·pointStride + t]</c>:
    /// <c>row0[2t + j] = (Aᵀ m A)[0, j]</c>, <c>row1[2t + j] = (Aᵀ m A)[1, j]</c>. Writes whole vectors, 2·(tiles
    /// rounded up to the vector width) floats per row, chunk by chunk (row0 then row1).
    /// </summary>
    public static void OutputRow<TV, TL>(float* m, long pointStride, int tiles, float* row0, float* row1)
        where TV : struct where TL : struct, IWinogradLanes<TV>
    {
        for (int t = 0; t < tiles; t += TL.Width)
        {
            float* p = m + t;
            // Aᵀ m: s0 = m0 + m1 + m2, s1 = m1 − m2 − m3 (rows of the 4×4 point matrix).
            TV m00 = TL.Load(p), m01 = TL.Load(p + pointStride);
            TV m02 = TL.Load(p + 2 * pointStride), m03 = TL.Load(p + 3 * pointStride);
            p += 4 * pointStride;
            TV m10 = TL.Load(p), m11 = TL.Load(p + pointStride);
            TV m12 = TL.Load(p + 2 * pointStride), m13 = TL.Load(p + 3 * pointStride);
            p += 4 * pointStride;
            TV m20 = TL.Load(p), m21 = TL.Load(p + pointStride);
            TV m22 = TL.Load(p + 2 * pointStride), m23 = TL.Load(p + 3 * pointStride);
            p += 4 * pointStride;
            TV m30 = TL.Load(p), m31 = TL.Load(p + pointStride);
            TV m32 = TL.Load(p + 2 * pointStride), m33 = TL.Load(p + 3 * pointStride);
            TV s00 = TL.Add(TL.Add(m00, m10), m20), s01 = TL.Add(TL.Add(m01, m11), m21);
            TV s02 = TL.Add(TL.Add(m02, m12), m22), s03 = TL.Add(TL.Add(m03, m13), m23);
            TV s10 = TL.Sub(TL.Sub(m10, m20), m30), s11 = TL.Sub(TL.Sub(m11, m21), m31);
            TV s12 = TL.Sub(TL.Sub(m12, m22), m32), s13 = TL.Sub(TL.Sub(m13, m23), m33);
            // (Aᵀ m) A: y[i][0] = s0 + s1 + s2, y[i][1] = s1 − s2 − s3.
            TL.StoreInterleaved(TL.Add(TL.Add(s00, s01), s02), TL.Sub(TL.Sub(s01, s02), s03), row0 + 2 * t);
            TL.StoreInterleaved(TL.Add(TL.Add(s10, s11), s12), TL.Sub(TL.Sub(s11, s12), s13), row1 + 2 * t);
        }
    }
}
