using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The transposed im2col matrix of a <see cref="PaddedChunk"/> as an implicit GEMM operand B (images·OH·OW × K), for
/// the weight gradient ∂W += ∂Y · colᵀ: row <c>(n·OH + y)·OW + x</c>, column <c>(c·KH + i)·KW + j</c> holds
/// <c>padded[n, c, y·sh + i, x·sw + j]</c>. Blocks of eight consecutive pixels are read as one vector per tap —
/// one run of stride 1 or 2 when output rows hold a multiple of eight pixels, two rows of four or four rows of two
/// (stride 1) — and transposed 8×8 into the sliver; other shapes are packed by gathers.
/// </summary>
internal sealed unsafe class Im2ColTransposedPacker : GemmBPacker
{
    [ThreadStatic] private static Im2ColTransposedPacker? t_instance;

    private PaddedChunk _x;
    private int _kh, _kw, _sh, _sw, _oh, _ow;

    /// <summary>This thread's packer.</summary>
    public static Im2ColTransposedPacker ForThisThread => t_instance ??= new Im2ColTransposedPacker();

    /// <summary>Points the packer at <paramref name="x"/>, lowered for <paramref name="g"/>'s kernel, strides and output size.</summary>
    public void Set(in PaddedChunk x, in ConvGeometry g)
    {
        _x = x;
        _kh = g.KernelHeight; _kw = g.KernelWidth; _sh = g.StrideHeight; _sw = g.StrideWidth;
        _oh = g.OutHeight; _ow = g.OutWidth;
    }

    public override void PackSliver(int p0, int kc, int j0, int cols, int nr, float* dst)
    {
        // Offsets of the sliver's columns (kernel taps) from a pixel's window origin; 0 for the padding columns.
        int* tap = stackalloc int[nr];
        int taps = _kh * _kw;
        for (int j = 0; j < nr; j++)
        {
            int k = j0 + Math.Min(j, cols - 1), c = k / taps, t = k - c * taps, i = t / _kw;
            tap[j] = (int)(c * _x.PlaneLength) + i * _x.Width + (t - i * _kw);
        }

        int ohw = _oh * _ow, img = p0 / ohw, pix = p0 - img * ohw, oy = pix / _ow, ox = pix - oy * _ow;
        int p = 0;
        int mode = BlockMode(p0);
        if (mode != 0 && nr % 8 == 0)
        {
            // Blocks of eight pixels, read as one vector per tap (from 1, 2 or 4 runs of the image), transposed.
            float** origin = stackalloc float*[4];
            for (; p + 8 <= kc; p += 8)
            {
                int runs = mode == 3 ? 2 : mode == 4 ? 4 : 1;
                for (int r = 0; r < runs; r++)
                {
                    origin[r] = _x.Data + img * _x.ImageLength + (long)oy * _sh * _x.Width + (long)ox * _sw;
                    ox += 8 / runs;
                    Advance(ref img, ref oy, ref ox);
                }
                float* d = dst + (long)p * nr;
                for (int jb = 0; jb < nr; jb += 8)
                {
                    int* t = tap + jb;
                    switch (mode)
                    {
                        case 1:
                            GemmPacking.Transpose8(Avx.LoadVector256(origin[0] + t[0]), Avx.LoadVector256(origin[0] + t[1]),
                                Avx.LoadVector256(origin[0] + t[2]), Avx.LoadVector256(origin[0] + t[3]),
                                Avx.LoadVector256(origin[0] + t[4]), Avx.LoadVector256(origin[0] + t[5]),
                                Avx.LoadVector256(origin[0] + t[6]), Avx.LoadVector256(origin[0] + t[7]), d + jb, nr);
                            break;
                        case 2:
                            GemmPacking.Transpose8(Even(origin[0] + t[0]), Even(origin[0] + t[1]), Even(origin[0] + t[2]), Even(origin[0] + t[3]),
                                Even(origin[0] + t[4]), Even(origin[0] + t[5]), Even(origin[0] + t[6]), Even(origin[0] + t[7]), d + jb, nr);
                            break;
                        case 3:
                            GemmPacking.Transpose8(Two(origin, t[0]), Two(origin, t[1]), Two(origin, t[2]), Two(origin, t[3]),
                                Two(origin, t[4]), Two(origin, t[5]), Two(origin, t[6]), Two(origin, t[7]), d + jb, nr);
                            break;
                        default:
                            GemmPacking.Transpose8(Four(origin, t[0]), Four(origin, t[1]), Four(origin, t[2]), Four(origin, t[3]),
                                Four(origin, t[4]), Four(origin, t[5]), Four(origin, t[6]), Four(origin, t[7]), d + jb, nr);
                            break;
                    }
                }
            }
        }
        for (; p < kc; p++)
        {
            float* origin = _x.Data + img * _x.ImageLength + (long)oy * _sh * _x.Width + (long)ox * _sw;
            float* d = dst + (long)p * nr;
            int j = 0;
            if (Avx2.IsSupported)
                for (; j + 8 <= nr; j += 8) Avx.Store(d + j, Avx2.GatherVector256(origin, Avx.LoadVector256(tap + j), 4));
            for (; j < nr; j++) d[j] = origin[tap[j]];
            ox++;
            Advance(ref img, ref oy, ref ox);
        }
        if (cols < nr)
            for (p = 0; p < kc; p++) new Span<float>(dst + (long)p * nr + cols, nr - cols).Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(ref int img, ref int oy, ref int ox)
    {
        if (ox < _ow) return;
        ox = 0;
        if (++oy < _oh) return;
        oy = 0;
        img++;
    }

    /// <summary>
    /// How blocks of eight pixels (p0 a multiple of 8) can be read with vector loads: 1, one run of stride 1;
    /// 2, one run of stride 2; 3, two output rows of four (stride 1); 4, four rows of two (stride 1); 0, not at all.
    /// </summary>
    private int BlockMode(int p0)
    {
        if (!Avx2.IsSupported || p0 % 8 != 0) return 0;
        if (_ow % 8 == 0) return _sw == 1 ? 1 : _sw == 2 && Avx512F.IsSupported ? 2 : 0;
        if (_sw != 1) return 0;
        if (_ow == 4 && _oh % 2 == 0) return 3;
        return _ow == 2 ? 4 : 0;
    }

    /// <summary>s[0], s[2], …, s[14] (reads s[15], inside the chunk or its slack).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Even(float* s) =>
        Avx512F.PermuteVar16x32(Vector512.Load(s), Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0)).GetLower();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Two(float** origin, int tap) =>
        Vector256.Create(Vector128.Load(origin[0] + tap), Vector128.Load(origin[1] + tap));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Four(float** origin, int tap) =>
        Vector256.Create(*(double*)(origin[0] + tap), *(double*)(origin[1] + tap), *(double*)(origin[2] + tap), *(double*)(origin[3] + tap)).AsSingle();
}
