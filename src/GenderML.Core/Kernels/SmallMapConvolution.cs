using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The forward pass of a frozen 3×3 stride-1 convolution with a 4×4 or 3×3 output map and many channels (a single
/// image's 256-channel layers in the face ResNet's last stages), without im2col: a register block holds all output
/// pixels of the map for 16 output channels, so each weight is read once per image, from a stream laid out in the
/// kernel's order (<see cref="PackedWeights.ChannelSlivers"/>), and the pixels are broadcast straight from a
/// zero-padded copy of the input through a table of tap offsets. Each output is the sum <see cref="LoweredConvolution"/>'s
/// transposed path forms — one multiply-add chain from zero per K block of KC, the blocks added in order, then
/// <see cref="ConvEpilogue.Row"/>'s bias, residual and ReLU — so results are bit-identical to it, and the choice may
/// follow the batch size.
/// </summary>
internal static unsafe class SmallMapConvolution
{
    private const int Slice = 16;

    /// <summary>Weight rows (of 64 bytes) the prefetch runs ahead of the kernel: 16 KB.</summary>
    private const int Distance = 256;

    /// <summary>Images at most this many per call (larger batches reuse each weight across images in the GEMM).</summary>
    public const int MaxBatch = 2;

    /// <summary>Scratch slots: the padded image; the transposed output Yᵀ (calling thread).</summary>
    private const int InputSlot = 3, OutputSlot = 4;

    public static bool Handles(in ConvGeometry g, bool packed) =>
        packed && Avx512F.IsSupported && GemmBlocking.BestIsa == GemmIsa.Avx512
        && g.Batch <= MaxBatch && g.Groups == 1
        && g.KernelHeight == 3 && g.KernelWidth == 3 && g.StrideHeight == 1 && g.StrideWidth == 1
        && g.OutHeight is 3 or 4 && g.OutWidth == g.OutHeight
        && g.InHeight + g.PadTop + g.PadBottom == g.OutHeight + 2 && g.InWidth + g.PadLeft + g.PadRight == g.OutWidth + 2
        && g.InChannels > DirectConvolution.MaxInChannels && g.OutChannels % Slice == 0;

    public static void Forward(in ConvOperands ops, int threads)
    {
        var g = ops.G;
        fixed (int* offsets = Offsets(g.OutHeight, g.InChannels * 9))
            Run(ops, offsets, threads);
    }

    private static void Run(in ConvOperands ops, int* offsets, int threads)
    {
        var g = ops.G;
        int kc = GemmBlocking.For(GemmIsa.Avx512).KC;
        int side = g.OutHeight, plane = (side + 2) * (side + 2), pixels = side * side;
        int c = g.InChannels, k = c * 9, oc = g.OutChannels, slivers = oc / Slice;
        float* b = ops.Packed!.ChannelSlivers(ops.Weight, g, Slice);
        float* x = NativeScratch.Get(InputSlot, (long)c * plane);
        float* yt = NativeScratch.Get(OutputSlot, (long)pixels * oc);
        long imageStride = (long)c * g.InHeight * g.InWidth, outStride = (long)oc * pixels;
        for (int n = 0; n < g.Batch; n++)
        {
            Pad(g, ops.Input + n * imageStride, x);
            var job = new Job(side, x, offsets, b, yt, k, oc, kc);
            if (threads <= 1 || slivers < 2) job.Slivers(0, slivers);
            else
            {
                var parallel = JobCache<ParallelSlivers>.Rent();
                parallel.Work = job;
                parallel.Parts = Math.Min(slivers, 2 * threads);
                parallel.SliverCount = slivers;
                JobCache<ParallelSlivers>.RunAndReturn(parallel, parallel.Parts, threads);
            }
            long at = n * outStride;
            Epilogue(yt, oc, pixels, ops.Bias, ops.Residual == null ? null : ops.Residual + at, ops.Output + at, ops.Relu);
        }
    }

    private static int[]? s_offsets3, s_offsets4;

    /// <summary>The tap offsets into the padded planes, <c>c·(side+2)² + i·(side+2) + j</c> for K index
    /// <c>c·9 + i·3 + j</c>: at least <paramref name="k"/> of them, made once per map size (and again for more channels).</summary>
    private static int[] Offsets(int side, int k)
    {
        ref int[]? cached = ref side == 4 ? ref s_offsets4 : ref s_offsets3;
        if (cached is { } known && known.Length >= k) return known;
        int padded = side + 2, plane = padded * padded;
        var table = new int[k];
        for (int kk = 0; kk < k; kk++) table[kk] = kk / 9 * plane + kk % 9 / 3 * padded + kk % 3;
        return cached = table;
    }

    /// <summary>The image into (side + 2)² planes, zero around it.</summary>
    private static void Pad(in ConvGeometry g, float* input, float* x)
    {
        int c = g.InChannels, h = g.InHeight, w = g.InWidth, padded = g.OutHeight + 2, plane = padded * padded;
        new Span<float>(x, c * plane).Clear();
        for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < h; y++)
        {
            float* src = input + ((long)ci * h + y) * w, dst = x + ci * plane + (y + g.PadTop) * padded + g.PadLeft;
            if (w == 4) Vector128.Store(Vector128.Load(src), dst);
            else for (int j = 0; j < w; j++) dst[j] = src[j];
        }
    }

    /// <summary><c>out[o·P + p] = act(yt[p·oc + o] + bias[o] + residual[o·P + p])</c> for the P pixels, in
    /// <see cref="ConvEpilogue.Row"/>'s order.</summary>
    private static void Epilogue(float* yt, int oc, int pixels, float* bias, float* residual, float* output, bool relu)
    {
        float* column = stackalloc float[16];
        for (int o = 0; o < oc; o++)
        {
            for (int p = 0; p < pixels; p++) column[p] = yt[(long)p * oc + o];
            float* dst = output + o * pixels;
            if (pixels == 16)
            {
                var v = Vector512.Load(column);
                if (bias != null) v += Vector512.Create(bias[o]);
                if (residual != null) v += Vector512.Load(residual + o * pixels);
                if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                v.Store(dst);
            }
            else ConvEpilogue.Row(column, residual == null ? null : residual + o * pixels, dst,
                bias == null ? 0f : bias[o], bias != null, relu, pixels);
        }
    }

    /// <summary>One image's multiplication: Yᵀ (pixels × oc) = colᵀ · Wᵀ over KC blocks, a range of 16-channel slivers.</summary>
    private readonly struct Job(int side, float* x, int* offsets, float* b, float* yt, int k, int oc, int kcMax)
    {
        public void Slivers(int s0, int s1)
        {
            for (int s = s0; s < s1; s++)
            {
                float* sliver = b + (long)s * k * Slice;
                for (int p0 = 0; p0 < k; p0 += kcMax)
                {
                    int kc = Math.Min(kcMax, k - p0);
                    float* w = sliver + (long)p0 * Slice, ahead = w + Distance * Slice;
                    if (side == 4) Block4(kc, w, offsets + p0, x, yt + s * Slice, oc, add: p0 > 0, ahead);
                    else Block3(kc, w, offsets + p0, x, yt + s * Slice, oc, add: p0 > 0, ahead);
                }
            }
        }
    }

    private sealed class ParallelSlivers : ParallelJob
    {
        public Job Work;
        public int Parts, SliverCount;

        public override void Execute(int item) =>
            Work.Slivers(SliverCount * item / Parts, SliverCount * (item + 1) / Parts);
    }

    /// <summary>
    /// Yᵀ[p, 0..16] (+)= Σ_kk x[offsets[kk] + d(p)] · b[kk·16 + 0..16] for the 16 pixels p of a 4×4 map (d(p) their
    /// place in the padded 6×6 plane), one chain from zero per pixel, then added to (or stored in)
    /// <paramref name="t"/>; prefetches a line of <paramref name="ahead"/> per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Block4(int kc, float* b, int* offsets, float* x, float* t, nint ldt, bool add, float* ahead)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default;
        Vector512<float> c12 = default, c13 = default, c14 = default, c15 = default;
        for (int kk = 0; kk < kc; kk++)
        {
            Sse.Prefetch0(ahead);
            ahead += Slice;
            var w = Vector512.Load(b);
            float* r = x + offsets[kk];
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[0]), w, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[1]), w, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[2]), w, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[3]), w, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[6 + 0]), w, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[6 + 1]), w, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[6 + 2]), w, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[6 + 3]), w, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[2 * 6 + 0]), w, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[2 * 6 + 1]), w, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[2 * 6 + 2]), w, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[2 * 6 + 3]), w, c11);
            c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[3 * 6 + 0]), w, c12);
            c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[3 * 6 + 1]), w, c13);
            c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[3 * 6 + 2]), w, c14);
            c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[3 * 6 + 3]), w, c15);
            b += Slice;
        }
        Store(t + 0 * ldt, c0, add); Store(t + 1 * ldt, c1, add); Store(t + 2 * ldt, c2, add); Store(t + 3 * ldt, c3, add);
        Store(t + 4 * ldt, c4, add); Store(t + 5 * ldt, c5, add); Store(t + 6 * ldt, c6, add); Store(t + 7 * ldt, c7, add);
        Store(t + 8 * ldt, c8, add); Store(t + 9 * ldt, c9, add); Store(t + 10 * ldt, c10, add); Store(t + 11 * ldt, c11, add);
        Store(t + 12 * ldt, c12, add); Store(t + 13 * ldt, c13, add); Store(t + 14 * ldt, c14, add); Store(t + 15 * ldt, c15, add);
    }

    /// <summary>As <see cref="Block4"/> for the 9 pixels of a 3×3 map (padded plane 5×5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Block3(int kc, float* b, int* offsets, float* x, float* t, nint ldt, bool add, float* ahead)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default;
        Vector512<float> c5 = default, c6 = default, c7 = default, c8 = default;
        for (int kk = 0; kk < kc; kk++)
        {
            Sse.Prefetch0(ahead);
            ahead += Slice;
            var w = Vector512.Load(b);
            float* r = x + offsets[kk];
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[0]), w, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[1]), w, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[2]), w, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[5 + 0]), w, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[5 + 1]), w, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[5 + 2]), w, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[10 + 0]), w, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[10 + 1]), w, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(r[10 + 2]), w, c8);
            b += Slice;
        }
        Store(t + 0 * ldt, c0, add); Store(t + 1 * ldt, c1, add); Store(t + 2 * ldt, c2, add);
        Store(t + 3 * ldt, c3, add); Store(t + 4 * ldt, c4, add); Store(t + 5 * ldt, c5, add);
        Store(t + 6 * ldt, c6, add); Store(t + 7 * ldt, c7, add); Store(t + 8 * ldt, c8, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* t, Vector512<float> v, bool add)
    {
        if (add) v = Vector512.Load(t) + v;
        v.Store(t);
    }
}
