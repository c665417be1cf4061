using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The GEMMs and the output transform of <see cref="WinogradConvolution"/> run transposed, for blocks of few tiles
/// (one image's 8×8 map: 16 tiles against 32 register columns): <c>M[ξ]ᵀ (tiles × OC) = V[ξ]ᵀ · U[ξ]ᵀ</c>, the tiles
/// along the register blocks' MR rows and the output channels along their NR vector columns, then the output
/// transform vectorised across output channels. Each output is the same sum in the same order as on the usual path
/// (the microkernels' multiply-adds only swap operands, the transform's additions are the same per element), so
/// results are bit-identical to it.
/// </summary>
internal static unsafe class WinogradTransposed
{
    /// <summary>Whether a block of <paramref name="lanes"/> tiles runs transposed: at least 20% less padded work in the
    /// GEMMs.</summary>
    public static bool Chosen(int lanes, int outChannels, GemmIsa isa)
    {
        var (mr, nr) = DirectConvolution.Block(isa);
        long usual = (long)RoundUp(lanes, nr) * RoundUp(outChannels, mr);
        long transposed = (long)RoundUp(lanes, mr) * RoundUp(outChannels, nr);
        return transposed * 5 < usual * 4;
    }

    /// <summary>Floats of scratch <see cref="Multiply"/> needs for <paramref name="lanes"/> tiles.</summary>
    public static long ScratchLength(int lanes, int c, int ocPadded, GemmIsa isa)
    {
        int mr = DirectConvolution.Block(isa).MR;
        return (long)RoundUp(lanes, mr) * WinogradTransforms.Points * ocPadded + (long)RoundUp(lanes, mr) * c + c + 64;
    }

    /// <summary>
    /// <c>mt[(t·16 + ξ)·ocPadded + o] = Σ_c v[c·channelStride + ξ·pointStride + t] · ut[ξ][c][o]</c> for the tiles
    /// t &lt; <paramref name="lanes"/> (rounded up to MR; the rows past it are never read) and the output channels
    /// [<paramref name="o0"/>, <paramref name="o1"/>), multiples of NR. <paramref name="ut"/> is U transposed
    /// (<see cref="WinogradTransforms.TransformWeights"/> with MR = <paramref name="ocPadded"/>). Returns mt.
    /// </summary>
    public static float* Multiply(GemmIsa isa, float* v, long channelStride, long pointStride, int c, int lanes,
        float* ut, int ocPadded, int o0, int o1, float* scratch)
    {
        var (mr, nr) = DirectConvolution.Block(isa);
        const int points = WinogradTransforms.Points;
        int lanesPadded = RoundUp(lanes, mr);
        float* mt = scratch, a = mt + (long)lanesPadded * points * ocPadded;
        int* offsets = (int*)(a + (long)lanesPadded * c);
        for (int k = 0; k < c; k++) offsets[k] = k * ocPadded;
        nint ldc = points * ocPadded;
        for (int x = 0; x < points; x++)
        {
            // A: V[ξ]ᵀ in slivers of MR tiles, MR values per input channel.
            for (int t0 = 0; t0 < lanesPadded; t0 += mr)
            {
                float* dst = a + (long)t0 * c, src = v + x * pointStride + t0;
                if (mr == 8)
                    for (int k = 0; k < c; k++, dst += 8, src += channelStride) Vector256.Store(Vector256.Load(src), dst);
                else if (mr == 4)
                    for (int k = 0; k < c; k++, dst += 4, src += channelStride) Vector128.Store(Vector128.Load(src), dst);
                else
                    for (int k = 0; k < c; k++, dst += mr, src += channelStride)
                        for (int r = 0; r < mr; r++) dst[r] = src[r];
            }
            float* b = ut + (long)x * c * ocPadded;
            for (int j = o0; j < o1; j += nr)
            for (int t0 = 0; t0 < lanesPadded; t0 += mr)
            {
                float* cm = mt + ((long)t0 * points + x) * ocPadded + j;
                if (isa == GemmIsa.Avx512)
                    GemmMicroKernels.Avx512Kernel8x32<PrefetchRows>(c, a + (long)t0 * c, b + j, ocPadded, cm, ldc, add: false);
                else DirectMicroKernels.Run(isa, c, a + (long)t0 * c, b + j, offsets, cm, ldc);
            }
        }
        return mt;
    }

    /// <summary>
    /// The 2×2 outputs of tile t, channels [<paramref name="o0"/>, <paramref name="o1"/>) (multiples of the vector
    /// width), from <paramref name="mt"/> as <see cref="Multiply"/> wrote it: written to
    /// <c>stage[o·stageStride + (2·row + i)·ow + 2·tx + j]</c>, row = t / tw and tx = t % tw, skipping the outputs past
    /// the map's right edge (x ≥ <paramref name="ow"/>). Each row of tiles has its two rows in the stage, the second
    /// written even when it falls past the map's bottom edge.
    /// </summary>
    public static void Output<TV, TL>(float* mt, int ocPadded, int lanes, int tw, int ow, int o0, int o1,
        float* stage, long stageStride)
        where TV : struct where TL : struct, IWinogradLanes<TV>
    {
        int width = TL.Width;
        float* tmp = stackalloc float[4 * 16];
        for (int t = 0; t < lanes; t++)
        {
            int row = t / tw, tx = t % tw;
            bool right = 2 * tx + 1 < ow;
            long at0 = (long)(2 * row) * ow + 2 * tx, at1 = at0 + ow;
            for (int o = o0; o < o1; o += width)
            {
                float* p = mt + (long)t * WinogradTransforms.Points * ocPadded + o;
                long ps = ocPadded;
                // The additions of WinogradTransforms.OutputRow, per element.
                TV m00 = TL.Load(p), m01 = TL.Load(p + ps), m02 = TL.Load(p + 2 * ps), m03 = TL.Load(p + 3 * ps);
                p += 4 * ps;
                TV m10 = TL.Load(p), m11 = TL.Load(p + ps), m12 = TL.Load(p + 2 * ps), m13 = TL.Load(p + 3 * ps);
                p += 4 * ps;
                TV m20 = TL.Load(p), m21 = TL.Load(p + ps), m22 = TL.Load(p + 2 * ps), m23 = TL.Load(p + 3 * ps);
                p += 4 * ps;
                TV m30 = TL.Load(p), m31 = TL.Load(p + ps), m32 = TL.Load(p + 2 * ps), m33 = TL.Load(p + 3 * ps);
                TV s00 = TL.Add(TL.Add(m00, m10), m20), s01 = TL.Add(TL.Add(m01, m11), m21);
                TV s02 = TL.Add(TL.Add(m02, m12), m22), s03 = TL.Add(TL.Add(m03, m13), m23);
                TV s10 = TL.Sub(TL.Sub(m10, m20), m30), s11 = TL.Sub(TL.Sub(m11, m21), m31);
                TV s12 = TL.Sub(TL.Sub(m12, m22), m32), s13 = TL.Sub(TL.Sub(m13, m23), m33);
                TL.Store(TL.Add(TL.Add(s00, s01), s02), tmp);
                TL.Store(TL.Sub(TL.Sub(s01, s02), s03), tmp + 16);
                TL.Store(TL.Add(TL.Add(s10, s11), s12), tmp + 32);
                TL.Store(TL.Sub(TL.Sub(s11, s12), s13), tmp + 48);
                float* dst = stage + o * stageStride;
                for (int i = 0; i < width; i++, dst += stageStride)
                {
                    dst[at0] = tmp[i];
                    if (right) dst[at0 + 1] = tmp[16 + i];
                    dst[at1] = tmp[32 + i];
                    if (right) dst[at1 + 1] = tmp[48 + i];
                }
            }
        }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;
}
