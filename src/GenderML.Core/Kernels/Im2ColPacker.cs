using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The im2col matrix of a <see cref="PaddedChunk"/> as an implicit GEMM operand B (K × images·OH·OW): row
/// <c>(c·KH + i)·KW + j</c>, column <c>(n·OH + y)·OW + x</c> holds <c>padded[n, c, y·sh + i, x·sw + j]</c>, which is
/// exactly <see cref="Im2Col.Lower"/>'s matrix. Slivers are packed straight from the image, so the matrix is never
/// written out; columns in one output row are one strided run of the image, copied with vector loads.
/// </summary>
internal sealed unsafe class Im2ColPacker : GemmBPacker
{
    [ThreadStatic] private static Im2ColPacker? t_instance;

    private PaddedChunk _x;
    private int _kh, _kw, _sh, _sw, _oh, _ow;

    /// <summary>This thread's packer (one per thread, so concurrent chunks never share one).</summary>
    public static Im2ColPacker ForThisThread => t_instance ??= new Im2ColPacker();

    /// <summary>Points the packer at <paramref name="x"/>, lowered for <paramref name="g"/>'s kernel, strides and output size.</summary>
    public void Set(in PaddedChunk x, in ConvGeometry g)
    {
        _x = x;
        _kh = g.KernelHeight; _kw = g.KernelWidth; _sh = g.StrideHeight; _sw = g.StrideWidth;
        _oh = g.OutHeight; _ow = g.OutWidth;
    }

    public override void PackSliver(int p0, int kc, int j0, int cols, int nr, float* dst)
    {
        // The sliver's columns as runs along output rows: run r covers columns runCol[r] … runCol[r]+runLen[r]−1.
        int* runCol = stackalloc int[nr];
        int* runLen = stackalloc int[nr];
        long* runSrc = stackalloc long[nr];
        int runs = 0, ohw = _oh * _ow;
        for (int j = 0, col = j0; j < cols; runs++)
        {
            int img = col / ohw, pix = col - img * ohw, oy = pix / _ow, ox = pix - oy * _ow;
            int len = Math.Min(_ow - ox, cols - j);
            runCol[runs] = j;
            runLen[runs] = len;
            runSrc[runs] = img * _x.ImageLength + (long)oy * _sh * _x.Width + (long)ox * _sw;
            j += len;
            col += len;
        }

        int taps = _kh * _kw, c = p0 / taps, t = p0 - c * taps, i = t / _kw, kj = t - i * _kw;
        if (_sw == 1 && cols == nr && Uniform(runLen, runs) is int runLength and (16 or 8 or 4 or 2) && Vector512.IsHardwareAccelerated)
        {
            PackUniform(runSrc, runs, runLength, c, i, kj, kc, nr, dst);
            return;
        }
        for (int p = 0; p < kc; p++)
        {
            float* src = _x.Data + c * _x.PlaneLength + (long)i * _x.Width + kj;
            float* d = dst + (long)p * nr;
            if (_sw == 1)
                for (int r = 0; r < runs; r++) CopyRun(src + runSrc[r], d + runCol[r], runLen[r]);
            else if (_sw == 2)
                for (int r = 0; r < runs; r++) CopyRunStride2(src + runSrc[r], d + runCol[r], runLen[r]);
            else
                for (int r = 0; r < runs; r++) CopyRunStrided(src + runSrc[r], d + runCol[r], runLen[r], _sw);
            for (int j = cols; j < nr; j++) d[j] = 0f;
            if (++kj == _kw)
            {
                kj = 0;
                if (++i == _kh) { i = 0; c++; }
            }
        }
    }

    /// <summary>The common length of all runs, or 0.</summary>
    private static int Uniform(int* runLen, int runs)
    {
        for (int r = 1; r < runs; r++)
            if (runLen[r] != runLen[0]) return 0;
        return runLen[0];
    }

    /// <summary>
    /// The same sliver when every run has length <paramref name="len"/> (16, 8, 4 or 2) and fills all nr columns:
    /// one branch-free row loop per length (ResNet's 16-, 8-, 4- and 2-pixel-wide maps).
    /// </summary>
    private void PackUniform(long* runSrc, int runs, int len, int c, int i, int kj, int kc, int nr, float* dst)
    {
        for (int p = 0; p < kc; p++, dst += nr)
        {
            float* src = _x.Data + c * _x.PlaneLength + (long)i * _x.Width + kj;
            switch (len)
            {
                case 16:
                    for (int r = 0; r < runs; r++) Vector512.Store(Vector512.Load(src + runSrc[r]), dst + r * 16);
                    break;
                case 8:
                    for (int r = 0; r < runs; r++) Vector256.Store(Vector256.Load(src + runSrc[r]), dst + r * 8);
                    break;
                case 4:
                    for (int r = 0; r < runs; r++) Vector128.Store(Vector128.Load(src + runSrc[r]), dst + r * 4);
                    break;
                default:
                    for (int r = 0; r < runs; r++) *(long*)(dst + r * 2) = *(long*)(src + runSrc[r]);
                    break;
            }
            if (++kj == _kw)
            {
                kj = 0;
                if (++i == _kh) { i = 0; c++; }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(float* s, float* d, int len)
    {
        int t = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; t + 16 <= len; t += 16) Vector512.Store(Vector512.Load(s + t), d + t);
        for (; t + 8 <= len; t += 8) Vector256.Store(Vector256.Load(s + t), d + t);
        if (t + 4 <= len)
        {
            Vector128.Store(Vector128.Load(s + t), d + t);
            t += 4;
        }
        for (; t < len; t++) d[t] = s[t];
    }

    private static void CopyRunStride2(float* s, float* d, int len)
    {
        int t = 0;
        if (Avx512F.IsSupported)
        {
            // Even lanes: s[2t], t = 0…15 from two vectors, or 0…7 from one. Reads up to s[2·len + 15], inside the
            // row, the next rows or the chunk's slack.
            var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; t + 16 <= len; t += 16)
                Vector512.Store(Avx512F.PermuteVar16x32x2(Vector512.Load(s + 2 * t), even, Vector512.Load(s + 2 * t + 16)), d + t);
            if (t + 8 <= len)
            {
                Vector256.Store(Avx512F.PermuteVar16x32(Vector512.Load(s + 2 * t), even).GetLower(), d + t);
                t += 8;
            }
            if (t + 4 <= len)
            {
                Vector128.Store(Avx512F.PermuteVar16x32(Vector512.Load(s + 2 * t), even).GetLower().GetLower(), d + t);
                t += 4;
            }
        }
        for (; t < len; t++) d[t] = s[2 * t];
    }

    private static void CopyRunStrided(float* s, float* d, int len, int stride)
    {
        for (int t = 0; t < len; t++) d[t] = s[(long)t * stride];
    }
}
