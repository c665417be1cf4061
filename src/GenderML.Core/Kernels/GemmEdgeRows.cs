using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The last rows of AVX-512 8×32 register blocks when fewer than eight are left (a single image's 3×3 map runs
/// transposed as 9 rows: a block of 8 and one of 1): one row at a time across up to four 32-wide B slivers, eight
/// independent sums per K step, instead of all eight rows of each block. Each element is the same FMA chain from zero
/// over the K block as <see cref="GemmMicroKernels.Avx512Kernel8x32"/>'s, stored (or added to C) the same way, so the
/// bits are those of the full block and its edge tile.
/// </summary>
internal static unsafe class GemmEdgeRows
{
    /// <summary>
    /// For <paramref name="rows"/> &lt; 8 rows of an A sliver packed 8 rows wide (<c>a[p·8 + r]</c>) and
    /// <paramref name="slivers"/> (1–4) B slivers packed 32 wide, <paramref name="sliverStride"/> floats apart:
    /// C_s[r, 0..32] (+)= Σ_p A[r, p]·B_s[p, :], C_s at <c>c[s]</c> with rows <paramref name="ldc"/> apart.
    /// </summary>
    public static void Avx512(int rows, int slivers, int kc, float* a, float* b, nint sliverStride, float** c, nint ldc, bool add)
    {
        for (int r = 0; r < rows; r++)
        {
            nint row = r * ldc;
            int s = 0;
            if (slivers - s >= 4)
            {
                Row1x4(kc, a + r, b, sliverStride, c[0] + row, c[1] + row, c[2] + row, c[3] + row, add);
                s = 4;
            }
            if (slivers - s >= 2)
            {
                Row1x2(kc, a + r, b + s * sliverStride, sliverStride, c[s] + row, c[s + 1] + row, add);
                s += 2;
            }
            if (s < slivers) Row1(kc, a + r, b + s * sliverStride, c[s] + row, add);
        }
    }

    private static void Row1x4(int kc, float* a, float* b, nint bs, float* c0, float* c1, float* c2, float* c3, bool add)
    {
        Vector512<float> s00 = default, s01 = default, s10 = default, s11 = default;
        Vector512<float> s20 = default, s21 = default, s30 = default, s31 = default;
        float* b1 = b + bs, b2 = b + 2 * bs, b3 = b + 3 * bs;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> a0 = Vector512.Create(a[0]);
            s00 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b), s00);
            s01 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b + 16), s01);
            s10 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b1), s10);
            s11 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b1 + 16), s11);
            s20 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b2), s20);
            s21 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b2 + 16), s21);
            s30 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b3), s30);
            s31 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b3 + 16), s31);
            a += 8; b += 32; b1 += 32; b2 += 32; b3 += 32;
        }
        GemmMicroKernels.Store512(c0, s00, s01, add);
        GemmMicroKernels.Store512(c1, s10, s11, add);
        GemmMicroKernels.Store512(c2, s20, s21, add);
        GemmMicroKernels.Store512(c3, s30, s31, add);
    }

    private static void Row1x2(int kc, float* a, float* b, nint bs, float* c0, float* c1, bool add)
    {
        Vector512<float> s00 = default, s01 = default, s10 = default, s11 = default;
        float* b1 = b + bs;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> a0 = Vector512.Create(a[0]);
            s00 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b), s00);
            s01 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b + 16), s01);
            s10 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b1), s10);
            s11 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b1 + 16), s11);
            a += 8; b += 32; b1 += 32;
        }
        GemmMicroKernels.Store512(c0, s00, s01, add);
        GemmMicroKernels.Store512(c1, s10, s11, add);
    }

    private static void Row1(int kc, float* a, float* b, float* c, bool add)
    {
        Vector512<float> s00 = default, s01 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> a0 = Vector512.Create(a[0]);
            s00 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b), s00);
            s01 = Avx512F.FusedMultiplyAdd(a0, Vector512.Load(b + 16), s01);
            a += 8; b += 32;
        }
        GemmMicroKernels.Store512(c, s00, s01, add);
    }
}
