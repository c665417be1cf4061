namespace GenderML.Core.Kernels;

/// <summary>
/// ∂X of a stride-2 convolution as four stride-1 convolutions, one per parity (a, b) of the input pixel: the input
/// pixels (2u + a, 2v + b) receive only the taps i ≡ a + pt, j ≡ b + pl (mod 2), so their gradient is the stride-1
/// convolution of ∂Y with those taps (a 2×2, 2×1, 1×2 or 1×1 sub-kernel of a 3×3 one), flipped, in and out channels
/// swapped. Each runs on the forward dispatch (the direct kernel for the small sub-kernels) into scratch, then lands
/// on its pixels of ∂X; a parity no tap reaches is zero. The lowered path's column matrix and col2im are not needed.
/// </summary>
/// <remarks>
/// Each ∂X value is one sum over (o, i, j) in the sub-convolution's order: results differ from the lowered path by
/// rounding, and are the same for any thread count (the forward kernels' are).
/// </remarks>
internal static unsafe class StridedBackwardInput
{
    /// <summary>Scratch slots: the sub-kernels' weights and a parity's ∂X (slots no forward kernel uses).</summary>
    private const int WeightSlot = 8, OutputSlot = 9;

    /// <summary>Whether this kernel takes ∂X of <paramref name="g"/> (stride 2, one group, no parity needing negative
    /// padding), filling <paramref name="parities"/> (four) when it does.</summary>
    public static bool Plan(in ConvGeometry g, Span<Parity> parities)
    {
        if (g.StrideHeight != 2 || g.StrideWidth != 2 || g.Groups != 1 || parities.Length < 4) return false;
        for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
        {
            if (Axis(a, g.PadTop, g.KernelHeight, g.InHeight, g.OutHeight) is not var (rows, i0, kh, top, bottom)
                || Axis(b, g.PadLeft, g.KernelWidth, g.InWidth, g.OutWidth) is not var (cols, j0, kw, left, right))
                return false;
            // ∂X_ab[c, u, v] = Σ_o Σ_k Σ_l W[o, c, i0 − 2k, j0 − 2l] · ∂Y[o, u + k − top, v + l − left].
            var sub = new ConvGeometry(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth, g.InChannels,
                Math.Max(kh, 1), Math.Max(kw, 1), 1, 1, top, left, bottom, right);
            bool reached = rows > 0 && cols > 0 && kh > 0 && kw > 0;
            if (reached && (sub.OutHeight != rows || sub.OutWidth != cols)) return false;
            parities[a * 2 + b] = new Parity(a, b, reached, sub, i0, j0, rows, cols);
        }
        return true;
    }

    /// <summary>
    /// Along one axis, for input positions 2u + <paramref name="a"/>: how many there are; the largest tap i with
    /// i ≡ a + pad (mod 2) (taps i0, i0 − 2, … read ∂Y at u + (a + pad − i)/2); how many such taps; the padding
    /// before and after ∂Y that makes u = 0 … rows − 1 read them; null when that padding would be negative.
    /// </summary>
    private static (int Rows, int I0, int Taps, int Before, int After)? Axis(int a, int pad, int k, int input, int output)
    {
        int rows = (input - a + 1) / 2;
        int i0 = k - 1;
        if (((i0 - a - pad) & 1) != 0) i0--;
        int taps = i0 < 0 ? 0 : i0 / 2 + 1;
        if (taps == 0) return (rows, i0, 0, 0, 0);
        // Tap k = 0 (i = i0) reads ∂Y at u + (a + pad − i0)/2 = u − before.
        int before = (i0 - a - pad) / 2;
        int after = rows - 1 - before + taps - 1 - (output - 1);
        if (before < 0) return null;
        return (rows, i0, taps, before, Math.Max(0, after));
    }

    /// <summary>One parity of the input pixels: its position, whether a tap reaches it and its sub-convolution, the
    /// largest taps i0, j0 it takes, and how many rows and columns of ∂X it has.</summary>
    public readonly record struct Parity(int A, int B, bool Reached, ConvGeometry Sub, int I0, int J0, int Rows,
        int Cols);

    /// <summary>∂X (overwritten) from ∂Y: <c>ops.Input</c> is ∂X, <c>ops.Output</c> ∂Y, <c>ops.Weight</c> W.</summary>
    public static void Run(in ConvOperands ops, ReadOnlySpan<Parity> parities, ComputeOptions? options)
    {
        var g = ops.G;
        int n = g.Batch, c = g.InChannels, oc = g.OutChannels, h = g.InHeight, w = g.InWidth;
        long plane = (long)h * w;
        new Span<float>(ops.Input, (int)((long)n * c * plane)).Clear();
        foreach (var p in parities)
        {
            if (!p.Reached) continue;
            var sub = p.Sub;
            int kh = sub.KernelHeight, kw = sub.KernelWidth;
            float* weights = NativeScratch.Get(WeightSlot, sub.WeightLength);
            // sub[c, o, k, l] = W[o, c, i0 − 2k, j0 − 2l].
            for (int ci = 0; ci < c; ci++)
            for (int o = 0; o < oc; o++)
            for (int k = 0; k < kh; k++)
            for (int l = 0; l < kw; l++)
                weights[((ci * oc + o) * kh + k) * kw + l] =
                    ops.Weight[((o * c + ci) * g.KernelHeight + p.I0 - 2 * k) * g.KernelWidth + p.J0 - 2 * l];
            float* dx = NativeScratch.Get(OutputSlot, sub.OutputLength);
            Convolution.Forward(sub, new ReadOnlySpan<float>(ops.Output, g.OutputLength),
                new ReadOnlySpan<float>(weights, sub.WeightLength), [], [], false,
                new Span<float>(dx, sub.OutputLength), options);
            // Onto the parity's pixels.
            long subPlane = (long)p.Rows * p.Cols;
            for (long q = 0; q < (long)n * c; q++)
            {
                float* src = dx + q * subPlane, dst = ops.Input + q * plane + p.A * w + p.B;
                for (int u = 0; u < p.Rows; u++, src += p.Cols, dst += 2 * w)
                    for (int v = 0; v < p.Cols; v++) dst[2 * v] = src[v];
            }
        }
    }
}
