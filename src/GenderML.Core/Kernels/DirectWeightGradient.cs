using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// ∂W (and ∂b) of a stride-1 convolution without im2col: with the padded width PW, output pixel (y, x) sits at the
/// flat position <c>q = y·PW + x</c>, and tap p = (c, i, j) of it reads the padded input at
/// <c>c·plane + i·PW + j + q</c>, so <c>∂W[o, p] = Σ_n Σ_q ∂Y'[n, o, q] · X'[n, offset(p) + q]</c>, with ∂Y' the
/// gradient copied onto rows of PW floats (zero at x ≥ OW and past the last row). For 16 consecutive q both operands
/// are 16 consecutive floats: a register block of MO output channels × MP taps keeps MO·MP vector accumulators over
/// a group of images and sums them once per group.
/// </summary>
/// <remarks>
/// The batch is split into <see cref="MaxPartials"/> (or fewer) fixed ranges of images, each summed into its own
/// buffer, and the buffers are added in order: results are the same for any thread count.
/// </remarks>
internal static unsafe class DirectWeightGradient
{
    /// <summary>Image ranges summed apart (and the most threads used).</summary>
    public const int MaxPartials = 4;

    /// <summary>Floats of one q step (the AVX-512 width; AVX2 takes two steps of 8).</summary>
    private const int Lanes = 16;

    /// <summary>Scratch slots: padded input of a group (worker), ∂Y' of a group (worker), partial sums (caller).</summary>
    private const int XSlot = 6, DySlot = 3, PartialSlot = 5;

    /// <summary>Floats of padded input per group of images (they stay in L2 while every block reads them).</summary>
    private const long GroupFloats = 1 << 17;

    /// <summary>Floats of ∂Y' per group of images at most (a gradient routed from a max pool a group at a time stays
    /// in L2: <see cref="IGradientSource"/>).</summary>
    private const long GradientFloats = 1 << 18;

    /// <summary>Images per group (before clamping to the range), from the floats of padded input and of ∂Y' per image.</summary>
    private static long Group(long imageX, long imageDy) => Math.Min(GroupFloats / imageX, GradientFloats / imageDy);

    /// <summary>Whether this kernel takes ∂W of <paramref name="g"/>: stride 1, one group, a kernel of more than one
    /// tap, and shapes where it measured faster than the lowered path.</summary>
    public static bool Handles(in ConvGeometry g) =>
        Fits(g) && StepsPerSum(g) >= MinStepsPerSum;

    /// <summary>Whether the kernel can take <paramref name="g"/> at all (tests call it on any such shape).</summary>
    internal static bool Fits(in ConvGeometry g) =>
        g.Groups == 1 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.KernelHeight * g.KernelWidth > 1
        && g.KernelHeight <= 16 && g.KernelWidth <= 16 && g.InChannels * g.KernelHeight * g.KernelWidth <= 8192;

    /// <summary>Below this many q steps per sum of a register block (images of a group × steps per image), the 24
    /// horizontal sums per block cost more than the lowered path's packing: few large images or many small ones win.</summary>
    private const int MinStepsPerSum = 128;

    /// <summary>q steps a register block runs before its accumulators are summed.</summary>
    private static long StepsPerSum(in ConvGeometry g)
    {
        int pw = g.InWidth + g.PadLeft + g.PadRight, ph = g.InHeight + g.PadTop + g.PadBottom;
        long imageX = (long)g.InChannels * ph * pw;
        long group = Math.Clamp(Group(imageX, (long)g.OutChannels * Positions(g, pw)), 1, Math.Max(1, g.Batch / MaxPartials));
        return group * (Positions(g, pw) / Lanes);
    }

    /// <summary>Register block: output channels × taps.</summary>
    internal static (int MO, int MP) Block(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => (4, 6),
        GemmIsa.Avx2 => (3, 4),
        _ => (1, 1),
    };

    /// <summary>Adds ∂W into <c>ops.Weight</c> and ∂b into <c>ops.Bias</c> (when not null); <c>ops.Input</c> is X,
    /// <c>ops.Output</c> ∂Y.</summary>
    public static void Run(in ConvOperands ops, int threads, GemmIsa isa) => Run(ops, threads, isa, null);

    /// <summary>As above, with ∂Y produced a group of images at a time by <paramref name="source"/> (null: read from
    /// <c>ops.Output</c>, which is then not read at all otherwise): the same sums in the same order.</summary>
    public static void Run(in ConvOperands ops, int threads, GemmIsa isa, IGradientSource? source)
    {
        var g = ops.G;
        if (g.Batch == 0) return;
        int partials = Math.Min(MaxPartials, g.Batch);
        long stride = g.WeightLength + g.OutChannels;
        float* buffers = NativeScratch.Get(PartialSlot, stride * partials);
        var work = JobCache<Work>.Rent();
        work.Set(ops, isa, partials, buffers, source);
        JobCache<Work>.RunAndReturn(work, partials, threads);
        for (int s = 0; s < partials; s++)
        {
            float* part = buffers + s * stride;
            KernelMath.AddInPlace(new Span<float>(ops.Weight, g.WeightLength), new ReadOnlySpan<float>(part, g.WeightLength));
            if (ops.Bias != null)
                KernelMath.AddInPlace(new Span<float>(ops.Bias, g.OutChannels), new ReadOnlySpan<float>(part + g.WeightLength, g.OutChannels));
        }
    }

    /// <summary>Flat positions per image, rounded up to whole q steps.</summary>
    private static int Positions(in ConvGeometry g, int pw) => (g.OutHeight * pw + Lanes - 1) / Lanes * Lanes;

    /// <summary>One image range into its own buffer; one instance per calling thread, reused.</summary>
    private sealed class Work : ParallelJob
    {
        private ConvOperands _ops;
        private GemmIsa _isa;
        private int _partials;
        private float* _buffers;
        private IGradientSource? _source;

        /// <inheritdoc/>
        protected internal override void Clear() => _source = null;

        public void Set(in ConvOperands ops, GemmIsa isa, int partials, float* buffers, IGradientSource? source)
        {
            _ops = ops; _isa = isa; _partials = partials; _buffers = buffers; _source = source;
        }

        public override void Execute(int item)
        {
            var g = _ops.G;
            int n0 = (int)((long)g.Batch * item / _partials), n1 = (int)((long)g.Batch * (item + 1) / _partials);
            long stride = g.WeightLength + g.OutChannels;
            float* dw = _buffers + item * stride;
            float* db = _ops.Bias == null ? null : dw + g.WeightLength;
            new Span<float>(dw, (int)stride).Clear();
            int pw = g.InWidth + g.PadLeft + g.PadRight, ph = g.InHeight + g.PadTop + g.PadBottom;
            int q = Positions(g, pw), taps = g.InChannels * g.KernelHeight * g.KernelWidth;
            long imageX = (long)g.InChannels * ph * pw, imageIn = (long)g.InChannels * g.InHeight * g.InWidth;
            int group = (int)Math.Clamp(Group(imageX, (long)g.OutChannels * q), 1, n1 - n0);
            int* offsets = stackalloc int[taps];
            int t = 0;
            for (int c = 0; c < g.InChannels; c++)
            for (int i = 0; i < g.KernelHeight; i++)
            for (int j = 0; j < g.KernelWidth; j++)
                offsets[t++] = c * ph * pw + i * pw + j;
            for (int n = n0; n < n1; n += group)
            {
                int count = Math.Min(group, n1 - n);
                float* x = PaddedChunk.Fill(g, _ops.Input + n * imageIn, imageIn, g.InChannels, count, XSlot).Data;
                float* gradOutput = _source is null ? _ops.Output : _source.Images(n, count) - (long)n * g.OutChannels * g.OutHeight * g.OutWidth;
                float* dy = CopyGradOutput(g, gradOutput, n, count, pw, q, db);
                Accumulate(_isa, count, g.OutChannels, taps, q, dy, x, imageX, offsets, dw);
            }
        }
    }

    /// <summary>∂Y of images n…n+count−1 onto rows of <paramref name="pw"/> floats, <paramref name="q"/> floats per
    /// (image, channel), zero elsewhere; adds each channel's sum into <paramref name="db"/> (when not null).</summary>
    private static float* CopyGradOutput(in ConvGeometry g, float* gradOutput, int n, int count, int pw, int q, float* db)
    {
        int oh = g.OutHeight, ow = g.OutWidth, oc = g.OutChannels;
        float* dst = NativeScratch.Get(DySlot, (long)count * oc * q);
        for (int i = 0; i < count; i++)
        for (int o = 0; o < oc; o++)
        {
            float* src = gradOutput + ((long)(n + i) * oc + o) * oh * ow;
            float* row = dst + ((long)i * oc + o) * q;
            if (db != null) db[o] += KernelMath.Sum(new ReadOnlySpan<float>(src, oh * ow));
            for (int y = 0; y < oh; y++, src += ow, row += pw)
            {
                new ReadOnlySpan<float>(src, ow).CopyTo(new Span<float>(row, ow));
                new Span<float>(row + ow, pw - ow).Clear();
            }
            new Span<float>(row, q - oh * pw).Clear();
        }
        return dst;
    }

    /// <summary><c>dw[o, p] += Σ_images Σ_q dy[image, o, q] · x[image, offsets[p] + q]</c> over the whole block grid.</summary>
    internal static void Accumulate(GemmIsa isa, int count, int oc, int taps, int q, float* dy, float* x, long imageX,
        int* offsets, float* dw)
    {
        var (mo, mp) = Block(isa);
        long imageDy = (long)oc * q;
        int oFull = oc / mo * mo, pFull = taps / mp * mp;
        for (int o = 0; o < oFull; o += mo)
        {
            for (int p = 0; p < pFull; p += mp)
            {
                if (isa == GemmIsa.Avx512) Avx512Block4x6(count, q, dy + (long)o * q, imageDy, x, imageX, offsets + p, dw + (long)o * taps + p, taps);
                else if (isa == GemmIsa.Avx2) Avx2Block3x4(count, q, dy + (long)o * q, imageDy, x, imageX, offsets + p, dw + (long)o * taps + p, taps);
                else Dot(isa, count, q, dy + (long)o * q, imageDy, x + offsets[p], imageX, dw + (long)o * taps + p);
            }
            for (int r = o; r < o + mo; r++)
            for (int p = pFull; p < taps; p++)
                Dot(isa, count, q, dy + (long)r * q, imageDy, x + offsets[p], imageX, dw + (long)r * taps + p);
        }
        for (int r = oFull; r < oc; r++)
        for (int p = 0; p < taps; p++)
            Dot(isa, count, q, dy + (long)r * q, imageDy, x + offsets[p], imageX, dw + (long)r * taps + p);
    }

    /// <summary>One (o, p): <c>*dw += Σ_images Σ_q dy[q]·x[q]</c>, on <paramref name="isa"/>'s vectors.</summary>
    private static void Dot(GemmIsa isa, int count, int q, float* dy, long imageDy, float* x, long imageX, float* dw)
    {
        if (isa == GemmIsa.Avx512)
        {
            var acc = Vector512<float>.Zero;
            for (int n = 0; n < count; n++, dy += imageDy, x += imageX)
                for (int k = 0; k < q; k += 16)
                    acc = Avx512F.FusedMultiplyAdd(Vector512.Load(dy + k), Vector512.Load(x + k), acc);
            *dw += Vector512.Sum(acc);
        }
        else if (isa == GemmIsa.Avx2)
        {
            var acc = Vector256<float>.Zero;
            for (int n = 0; n < count; n++, dy += imageDy, x += imageX)
                for (int k = 0; k < q; k += 8)
                    acc = Fma.MultiplyAdd(Vector256.Load(dy + k), Vector256.Load(x + k), acc);
            *dw += Vector256.Sum(acc);
        }
        else
        {
            float acc = 0f;
            for (int n = 0; n < count; n++, dy += imageDy, x += imageX)
                for (int k = 0; k < q; k++)
                    acc = MathF.FusedMultiplyAdd(dy[k], x[k], acc);
            *dw += acc;
        }
    }

    /// <summary>4 output channels × 6 taps, AVX-512: per q step four ∂Y loads, six input loads, 24 FMAs.</summary>
    private static void Avx512Block4x6(int count, int q, float* dy, long imageDy, float* x, long imageX, int* offsets, float* dw, int ldw)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default, a34 = default, a35 = default;
        nint o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4], o5 = offsets[5];
        for (int n = 0; n < count; n++, dy += imageDy, x += imageX)
        {
            float* d = dy;
            float* xe = x + q;
            for (float* xp = x; xp < xe; xp += 16, d += 16)
            {
                var y0 = Vector512.Load(d);
                var y1 = Vector512.Load(d + q);
                var y2 = Vector512.Load(d + 2 * q);
                var y3 = Vector512.Load(d + 3 * q);
                var b = Vector512.Load(xp + o0);
                a00 = Avx512F.FusedMultiplyAdd(y0, b, a00); a10 = Avx512F.FusedMultiplyAdd(y1, b, a10);
                a20 = Avx512F.FusedMultiplyAdd(y2, b, a20); a30 = Avx512F.FusedMultiplyAdd(y3, b, a30);
                b = Vector512.Load(xp + o1);
                a01 = Avx512F.FusedMultiplyAdd(y0, b, a01); a11 = Avx512F.FusedMultiplyAdd(y1, b, a11);
                a21 = Avx512F.FusedMultiplyAdd(y2, b, a21); a31 = Avx512F.FusedMultiplyAdd(y3, b, a31);
                b = Vector512.Load(xp + o2);
                a02 = Avx512F.FusedMultiplyAdd(y0, b, a02); a12 = Avx512F.FusedMultiplyAdd(y1, b, a12);
                a22 = Avx512F.FusedMultiplyAdd(y2, b, a22); a32 = Avx512F.FusedMultiplyAdd(y3, b, a32);
                b = Vector512.Load(xp + o3);
                a03 = Avx512F.FusedMultiplyAdd(y0, b, a03); a13 = Avx512F.FusedMultiplyAdd(y1, b, a13);
                a23 = Avx512F.FusedMultiplyAdd(y2, b, a23); a33 = Avx512F.FusedMultiplyAdd(y3, b, a33);
                b = Vector512.Load(xp + o4);
                a04 = Avx512F.FusedMultiplyAdd(y0, b, a04); a14 = Avx512F.FusedMultiplyAdd(y1, b, a14);
                a24 = Avx512F.FusedMultiplyAdd(y2, b, a24); a34 = Avx512F.FusedMultiplyAdd(y3, b, a34);
                b = Vector512.Load(xp + o5);
                a05 = Avx512F.FusedMultiplyAdd(y0, b, a05); a15 = Avx512F.FusedMultiplyAdd(y1, b, a15);
                a25 = Avx512F.FusedMultiplyAdd(y2, b, a25); a35 = Avx512F.FusedMultiplyAdd(y3, b, a35);
            }
        }
        dw[0] += Vector512.Sum(a00); dw[1] += Vector512.Sum(a01); dw[2] += Vector512.Sum(a02);
        dw[3] += Vector512.Sum(a03); dw[4] += Vector512.Sum(a04); dw[5] += Vector512.Sum(a05);
        dw += ldw;
        dw[0] += Vector512.Sum(a10); dw[1] += Vector512.Sum(a11); dw[2] += Vector512.Sum(a12);
        dw[3] += Vector512.Sum(a13); dw[4] += Vector512.Sum(a14); dw[5] += Vector512.Sum(a15);
        dw += ldw;
        dw[0] += Vector512.Sum(a20); dw[1] += Vector512.Sum(a21); dw[2] += Vector512.Sum(a22);
        dw[3] += Vector512.Sum(a23); dw[4] += Vector512.Sum(a24); dw[5] += Vector512.Sum(a25);
        dw += ldw;
        dw[0] += Vector512.Sum(a30); dw[1] += Vector512.Sum(a31); dw[2] += Vector512.Sum(a32);
        dw[3] += Vector512.Sum(a33); dw[4] += Vector512.Sum(a34); dw[5] += Vector512.Sum(a35);
    }

    /// <summary>3 output channels × 4 taps, AVX2 with FMA (8 floats per load, two loads per q step of 16).</summary>
    private static void Avx2Block3x4(int count, int q, float* dy, long imageDy, float* x, long imageX, int* offsets, float* dw, int ldw)
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
        nint o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
        for (int n = 0; n < count; n++, dy += imageDy, x += imageX)
        {
            float* d = dy;
            float* xe = x + q;
            for (float* xp = x; xp < xe; xp += 8, d += 8)
            {
                var y0 = Vector256.Load(d);
                var y1 = Vector256.Load(d + q);
                var y2 = Vector256.Load(d + 2 * q);
                var b = Vector256.Load(xp + o0);
                a00 = Fma.MultiplyAdd(y0, b, a00); a10 = Fma.MultiplyAdd(y1, b, a10); a20 = Fma.MultiplyAdd(y2, b, a20);
                b = Vector256.Load(xp + o1);
                a01 = Fma.MultiplyAdd(y0, b, a01); a11 = Fma.MultiplyAdd(y1, b, a11); a21 = Fma.MultiplyAdd(y2, b, a21);
                b = Vector256.Load(xp + o2);
                a02 = Fma.MultiplyAdd(y0, b, a02); a12 = Fma.MultiplyAdd(y1, b, a12); a22 = Fma.MultiplyAdd(y2, b, a22);
                b = Vector256.Load(xp + o3);
                a03 = Fma.MultiplyAdd(y0, b, a03); a13 = Fma.MultiplyAdd(y1, b, a13); a23 = Fma.MultiplyAdd(y2, b, a23);
            }
        }
        dw[0] += Vector256.Sum(a00); dw[1] += Vector256.Sum(a01); dw[2] += Vector256.Sum(a02); dw[3] += Vector256.Sum(a03);
        dw += ldw;
        dw[0] += Vector256.Sum(a10); dw[1] += Vector256.Sum(a11); dw[2] += Vector256.Sum(a12); dw[3] += Vector256.Sum(a13);
        dw += ldw;
        dw[0] += Vector256.Sum(a20); dw[1] += Vector256.Sum(a21); dw[2] += Vector256.Sum(a22); dw[3] += Vector256.Sum(a23);
    }
}

/// <summary>Produces ∂Y of a convolution a few images at a time, for <see cref="DirectWeightGradient"/>.</summary>
internal unsafe interface IGradientSource
{
    /// <summary>∂Y of images n…n+count−1 (count × OC × OH × OW floats), valid until the calling thread's next call;
    /// called from worker threads.</summary>
    float* Images(int n, int count);
}
