using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// Forward convolution at stride 2 without padding, with the output channels in the vector lanes (AVX-512): a
/// register block is 64 output channels (four vectors of weights, packed K×64) × 6 output pixels (each tap's input
/// value broadcast from the image itself, so nothing is split into parity planes and no column is computed to be
/// dropped). The blocks land pixel-major in a scratch tile; each channel's plane is gathered from it (eight pixels per AVX2 gather) and written
/// through the <see cref="ConvEpilogue"/>.
/// </summary>
/// <remarks>
/// Each output value is the FMA chain over (c, i, j) in order from zero, then the epilogue: the same bits as
/// <see cref="DirectConvolution"/>, so the dispatch may pick either. Work items are (image, block of 64 channels),
/// split into bands of pixels when there are too few for the threads.
/// </remarks>
internal static unsafe partial class ChannelBlockedConvolution
{
    /// <summary>Output channels per block (lanes of four vectors) and output pixels per register block.</summary>
    private const int OB = 64, PX = 6;

    /// <summary>Fewest output pixels per call (all images) worth packing the weights for.</summary>
    private const int MinPixels = 256;

    /// <summary>Taps per K chunk (rounded down to whole input channels): 64 × 64 weights, 16 KB, stay in L1.</summary>
    private const int ChunkTaps = 64;

    /// <summary>Scratch slots: packed weights and tap offsets (calling thread), the pixel-major tile and a gathered row
    /// (each worker).</summary>
    private const int WeightSlot = 7, TileSlot = 3, RowSlot = 4;

    /// <summary>Most input channels (the K chunks keep the weights in L1 whatever C is; the bound keeps the tap offsets small).</summary>
    public const int MaxInChannels = 256;

    /// <summary>Whether this kernel takes the forward pass of <paramref name="g"/>: stride 2, unpadded, 16 or more input
    /// channels, output channels a multiple of 64, on AVX-512. Weights packed per call (<paramref name="packed"/> false)
    /// need at least <see cref="MinPixels"/> output pixels in the batch and at most
    /// <see cref="DirectConvolution.MaxInChannels"/> input channels (so that the dispatch's choice per image is this
    /// kernel or <see cref="DirectConvolution"/>, which give the same bits); a frozen layer's, kept packed, take it
    /// for any batch and output size, up to <see cref="MaxInChannels"/>.</summary>
    public static bool Handles(in ConvGeometry g, bool packed = false) =>
        Avx512F.IsSupported && g.Groups == 1 && g.StrideHeight == 2 && g.StrideWidth == 2
        && (packed || (long)g.Batch * g.OutHeight * g.OutWidth >= MinPixels)
        && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0
        && g.InChannels >= 16 && g.InChannels <= (packed ? MaxInChannels : DirectConvolution.MaxInChannels)
        && g.OutChannels % OB == 0
        && g.KernelHeight <= 16 && g.KernelWidth <= 16 && (packed || g.OutHeight * g.OutWidth >= PX);

    public static void Forward(in ConvOperands ops, int threads)
    {
        var g = ops.G;
        int k = g.InChannels * g.KernelHeight * g.KernelWidth, blocks = g.OutChannels / OB;
        // a[ob][p][v] = w[ob·64 + v, p] (the direct kernel's slivers of 64 rows: a frozen layer's cache keeps them);
        // then the tap offsets c·H·W + i·W + j.
        float* scratch = NativeScratch.Get(WeightSlot, (ops.Packed is null ? (long)g.OutChannels * k : 0) + k);
        float* a;
        if (ops.Packed is { } packed) a = packed.Direct(ops.Weight, g, OB);
        else
        {
            a = scratch;
            scratch += (long)g.OutChannels * k;
            for (int ob = 0; ob < blocks; ob++)
            for (int v = 0; v < OB; v++)
            {
                float* src = ops.Weight + (long)(ob * OB + v) * k;
                float* dst = a + (long)ob * k * OB + v;
                for (int p = 0; p < k; p++) dst[p * OB] = src[p];
            }
        }
        int* offsets = (int*)scratch;
        int at = 0;
        for (int c = 0; c < g.InChannels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++)
            offsets[at++] = (c * g.InHeight + i) * g.InWidth + j;
        // Bands of pixel blocks when there are too few (image, channel block) items for the threads.
        int pixelBlocks = (g.OutHeight * g.OutWidth + PX - 1) / PX;
        int bands = threads <= 1 || g.Batch * blocks >= 2 * threads ? 1
            : Math.Min(pixelBlocks, (2 * threads + g.Batch * blocks - 1) / (g.Batch * blocks));
        var work = JobCache<Work>.Rent();
        work.Set(ops, a, offsets, bands);
        int items = g.Batch * blocks * bands;
        JobCache<Work>.RunAndReturn(work, items, threads);
    }

    /// <summary>One (image, block of 64 output channels, band of pixels) per item; one instance per calling thread,
    /// reused.</summary>
    private sealed class Work : ParallelJob
    {
        private ConvOperands ops;
        private float* a;
        private int* offsets;
        private int bands;

        public void Set(in ConvOperands ops, float* a, int* offsets, int bands)
        {
            this.ops = ops; this.a = a; this.offsets = offsets; this.bands = bands;
        }

        public override void Execute(int item)
        {
            var g = ops.G;
            int blocks = g.OutChannels / OB, band = item % bands, n = item / bands / blocks, ob = item / bands % blocks;
            int k = g.InChannels * g.KernelHeight * g.KernelWidth, ow = g.OutWidth, ohw = g.OutHeight * ow;
            int pixelBlocks = (ohw + PX - 1) / PX;
            int q0 = (int)((long)pixelBlocks * band / bands) * PX, q1 = Math.Min(ohw, (int)((long)pixelBlocks * (band + 1) / bands) * PX);
            if (q1 <= q0) return;
            int count = q1 - q0, rounded = (count + 15) & ~15;
            float* image = ops.Input + (long)n * g.InChannels * g.InHeight * g.InWidth;
            // Rows up to the last register block's and the last gather's.
            float* tile = NativeScratch.Get(TileSlot, (long)(rounded + PX) * OB);
            float* w = a + (long)ob * k * OB;
            int w2 = 2 * g.InWidth;
            // K in chunks whose weights stay in L1 (the accumulators go through the tile between chunks: the same
            // FMA chain, so the same bits).
            int chunk = Math.Max(1, ChunkTaps / (g.KernelHeight * g.KernelWidth)) * g.KernelHeight * g.KernelWidth;
            for (int p0 = 0; p0 < k; p0 += chunk)
            {
                int taps = Math.Min(chunk, k - p0);
                for (int q = q0; q < q1; q += PX)
                {
                    if (q1 - q == 3)
                    {
                        // Three pixels left (a 3×3 map's last row): a block of three, not six.
                        Kernel64x3(taps, w + (long)p0 * OB, image + Corner(q, ow, w2), image + Corner(q + 1, ow, w2),
                            image + Corner(q + 2, ow, w2), offsets + p0, tile + (long)(q - q0) * OB, p0 > 0);
                        break;
                    }
                    if (q1 - q <= 2)
                    {
                        // One or two pixels left (a map of one or two): one register block each, not six.
                        for (int t = q; t < q1; t++)
                            Kernel64x1(taps, w + (long)p0 * OB, image + Corner(t, ow, w2), offsets + p0, tile + (long)(t - q0) * OB, p0 > 0);
                        break;
                    }
                    // The block's input corners; pixels past the end repeat the last one (their rows are not read).
                    float* x0 = image + Corner(Math.Min(q, ohw - 1), ow, w2), x1 = image + Corner(Math.Min(q + 1, ohw - 1), ow, w2);
                    float* x2 = image + Corner(Math.Min(q + 2, ohw - 1), ow, w2), x3 = image + Corner(Math.Min(q + 3, ohw - 1), ow, w2);
                    float* x4 = image + Corner(Math.Min(q + 4, ohw - 1), ow, w2), x5 = image + Corner(Math.Min(q + 5, ohw - 1), ow, w2);
                    Kernel64x6(taps, w + (long)p0 * OB, x0, x1, x2, x3, x4, x5, offsets + p0, tile + (long)(q - q0) * OB, p0 > 0);
                }
            }
            // Channel by channel: gather its plane from the tile (64 floats apart), then the epilogue.
            float* row = NativeScratch.Get(RowSlot, rounded);
            var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * OB;
            for (int v = 0; v < OB; v++)
            {
                int o = ob * OB + v;
                for (int q = 0; q < count; q += 8)
                    Avx2.GatherVector256(tile + (long)q * OB + v, lanes, 4).Store(row + q);
                long outAt = ((long)n * g.OutChannels + o) * ohw + q0;
                ConvEpilogue.Row(row, ops.Residual == null ? null : ops.Residual + outAt, ops.Output + outAt,
                    ops.Bias == null ? 0f : ops.Bias[o], ops.Bias != null, ops.Relu, count);
            }
        }

        private static int Corner(int q, int ow, int twoRows) => q / ow * twoRows + 2 * (q % ow);
    }

    /// <summary>64 output channels × 3 pixels, the same FMA chain per output as <see cref="Kernel64x6"/>.</summary>
    private static void Kernel64x3(int k, float* a, float* x0, float* x1, float* x2, int* offsets, float* tile, bool resume)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        if (resume)
        {
            float* t = tile;
            c00 = Vector512.Load(t); c01 = Vector512.Load(t + 16); c02 = Vector512.Load(t + 32); c03 = Vector512.Load(t + 48); t += OB;
            c10 = Vector512.Load(t); c11 = Vector512.Load(t + 16); c12 = Vector512.Load(t + 32); c13 = Vector512.Load(t + 48); t += OB;
            c20 = Vector512.Load(t); c21 = Vector512.Load(t + 16); c22 = Vector512.Load(t + 32); c23 = Vector512.Load(t + 48);
        }
        for (int p = 0; p < k; p++)
        {
            int off = offsets[p];
            Vector512<float> w0 = Vector512.Load(a), w1 = Vector512.Load(a + 16), w2 = Vector512.Load(a + 32), w3 = Vector512.Load(a + 48);
            var b = Vector512.Create(x0[off]);
            c00 = Avx512F.FusedMultiplyAdd(w0, b, c00); c01 = Avx512F.FusedMultiplyAdd(w1, b, c01);
            c02 = Avx512F.FusedMultiplyAdd(w2, b, c02); c03 = Avx512F.FusedMultiplyAdd(w3, b, c03);
            b = Vector512.Create(x1[off]);
            c10 = Avx512F.FusedMultiplyAdd(w0, b, c10); c11 = Avx512F.FusedMultiplyAdd(w1, b, c11);
            c12 = Avx512F.FusedMultiplyAdd(w2, b, c12); c13 = Avx512F.FusedMultiplyAdd(w3, b, c13);
            b = Vector512.Create(x2[off]);
            c20 = Avx512F.FusedMultiplyAdd(w0, b, c20); c21 = Avx512F.FusedMultiplyAdd(w1, b, c21);
            c22 = Avx512F.FusedMultiplyAdd(w2, b, c22); c23 = Avx512F.FusedMultiplyAdd(w3, b, c23);
            a += OB;
        }
        c00.Store(tile); c01.Store(tile + 16); c02.Store(tile + 32); c03.Store(tile + 48); tile += OB;
        c10.Store(tile); c11.Store(tile + 16); c12.Store(tile + 32); c13.Store(tile + 48); tile += OB;
        c20.Store(tile); c21.Store(tile + 16); c22.Store(tile + 32); c23.Store(tile + 48);
    }

    /// <summary>64 output channels × 1 pixel, the same FMA chain per output as <see cref="Kernel64x6"/>.</summary>
    private static void Kernel64x1(int k, float* a, float* x, int* offsets, float* tile, bool resume)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        if (resume) { c0 = Vector512.Load(tile); c1 = Vector512.Load(tile + 16); c2 = Vector512.Load(tile + 32); c3 = Vector512.Load(tile + 48); }
        for (int p = 0; p < k; p++)
        {
            var b = Vector512.Create(x[offsets[p]]);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a), b, c0); c1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 16), b, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 32), b, c2); c3 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 48), b, c3);
            a += OB;
        }
        c0.Store(tile); c1.Store(tile + 16); c2.Store(tile + 32); c3.Store(tile + 48);
    }

    /// <summary>
    /// 64 output channels × 6 pixels: <c>tile[t·64 + v] = Σ_p a[p·64 + v] · x_t[offsets[p]]</c>, per K step four
    /// weight loads, six broadcasts, 24 FMAs; with <paramref name="resume"/> the sums start from the tile's values.
    /// </summary>
    private static void Kernel64x6(int k, float* a, float* x0, float* x1, float* x2, float* x3, float* x4, float* x5,
        int* offsets, float* tile, bool resume)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default, c53 = default;
        if (resume)
        {
            float* t = tile;
            c00 = Vector512.Load(t); c01 = Vector512.Load(t + 16); c02 = Vector512.Load(t + 32); c03 = Vector512.Load(t + 48); t += OB;
            c10 = Vector512.Load(t); c11 = Vector512.Load(t + 16); c12 = Vector512.Load(t + 32); c13 = Vector512.Load(t + 48); t += OB;
            c20 = Vector512.Load(t); c21 = Vector512.Load(t + 16); c22 = Vector512.Load(t + 32); c23 = Vector512.Load(t + 48); t += OB;
            c30 = Vector512.Load(t); c31 = Vector512.Load(t + 16); c32 = Vector512.Load(t + 32); c33 = Vector512.Load(t + 48); t += OB;
            c40 = Vector512.Load(t); c41 = Vector512.Load(t + 16); c42 = Vector512.Load(t + 32); c43 = Vector512.Load(t + 48); t += OB;
            c50 = Vector512.Load(t); c51 = Vector512.Load(t + 16); c52 = Vector512.Load(t + 32); c53 = Vector512.Load(t + 48);
        }
        for (int p = 0; p < k; p++)
        {
            int off = offsets[p];
            Vector512<float> w0 = Vector512.Load(a), w1 = Vector512.Load(a + 16), w2 = Vector512.Load(a + 32), w3 = Vector512.Load(a + 48);
            var b = Vector512.Create(x0[off]);
            c00 = Avx512F.FusedMultiplyAdd(w0, b, c00); c01 = Avx512F.FusedMultiplyAdd(w1, b, c01);
            c02 = Avx512F.FusedMultiplyAdd(w2, b, c02); c03 = Avx512F.FusedMultiplyAdd(w3, b, c03);
            b = Vector512.Create(x1[off]);
            c10 = Avx512F.FusedMultiplyAdd(w0, b, c10); c11 = Avx512F.FusedMultiplyAdd(w1, b, c11);
            c12 = Avx512F.FusedMultiplyAdd(w2, b, c12); c13 = Avx512F.FusedMultiplyAdd(w3, b, c13);
            b = Vector512.Create(x2[off]);
            c20 = Avx512F.FusedMultiplyAdd(w0, b, c20); c21 = Avx512F.FusedMultiplyAdd(w1, b, c21);
            c22 = Avx512F.FusedMultiplyAdd(w2, b, c22); c23 = Avx512F.FusedMultiplyAdd(w3, b, c23);
            b = Vector512.Create(x3[off]);
            c30 = Avx512F.FusedMultiplyAdd(w0, b, c30); c31 = Avx512F.FusedMultiplyAdd(w1, b, c31);
            c32 = Avx512F.FusedMultiplyAdd(w2, b, c32); c33 = Avx512F.FusedMultiplyAdd(w3, b, c33);
            b = Vector512.Create(x4[off]);
            c40 = Avx512F.FusedMultiplyAdd(w0, b, c40); c41 = Avx512F.FusedMultiplyAdd(w1, b, c41);
            c42 = Avx512F.FusedMultiplyAdd(w2, b, c42); c43 = Avx512F.FusedMultiplyAdd(w3, b, c43);
            b = Vector512.Create(x5[off]);
            c50 = Avx512F.FusedMultiplyAdd(w0, b, c50); c51 = Avx512F.FusedMultiplyAdd(w1, b, c51);
            c52 = Avx512F.FusedMultiplyAdd(w2, b, c52); c53 = Avx512F.FusedMultiplyAdd(w3, b, c53);
            a += OB;
        }
        c00.Store(tile); c01.Store(tile + 16); c02.Store(tile + 32); c03.Store(tile + 48); tile += OB;
        c10.Store(tile); c11.Store(tile + 16); c12.Store(tile + 32); c13.Store(tile + 48); tile += OB;
        c20.Store(tile); c21.Store(tile + 16); c22.Store(tile + 32); c23.Store(tile + 48); tile += OB;
        c30.Store(tile); c31.Store(tile + 16); c32.Store(tile + 32); c33.Store(tile + 48); tile += OB;
        c40.Store(tile); c41.Store(tile + 16); c42.Store(tile + 32); c43.Store(tile + 48); tile += OB;
        c50.Store(tile); c51.Store(tile + 16); c52.Store(tile + 32); c53.Store(tile + 48);
    }
}
