using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>
/// What a convolution does to each output value as it writes it: <c>y = act(acc + bias[row] + residual)</c>, with
/// <c>act</c> the ReLU or the identity. The GEMM applies it to a register block of C right after that block's last
/// K step, while the block is still in L1, so bias, residual add and ReLU cost no pass over the output of their own.
/// The order of the additions is that of separate passes (bias, then residual, then ReLU), so results are
/// bit-identical to them.
/// </summary>
/// <remarks>
/// <see cref="ResidualDelta"/> is the distance, in floats, from an element of C to its residual: the residual has
/// the layout of the output, so one offset serves every element (0 with <see cref="HasResidual"/> false).
/// </remarks>
internal readonly unsafe struct ConvEpilogue(float* bias, bool hasResidual, nint residualDelta, bool relu)
{
    /// <summary>One value per row of C (per output channel), or null.</summary>
    public readonly float* Bias = bias;

    /// <summary>Whether a residual is added.</summary>
    public readonly bool HasResidual = hasResidual;

    /// <summary>Floats from an element of C to its residual.</summary>
    public readonly nint ResidualDelta = residualDelta;

    /// <summary>Whether negative results become 0.</summary>
    public readonly bool Relu = relu;

    /// <summary>Whether there is nothing to do.</summary>
    public bool IsEmpty => Bias == null && !HasResidual && !Relu;

    /// <summary>This epilogue for the rows from <paramref name="firstRow"/> on (a group's output channels).</summary>
    public ConvEpilogue FromRow(int firstRow) =>
        new(Bias == null ? null : Bias + firstRow, HasResidual, ResidualDelta, Relu);

    /// <summary>Applies the epilogue in place to <paramref name="rows"/>×<paramref name="cols"/> of C starting at
    /// row <paramref name="row"/> (whose bias is <c>Bias[row]</c>).</summary>
    public void ApplyTile(float* c, nint ldc, int row, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            float* y = c + r * ldc;
            float bias = Bias == null ? 0f : Bias[row + r];
            Row(y, HasResidual ? y + ResidualDelta : null, y, bias, Bias != null, Relu, cols);
        }
    }

    /// <summary><c>dst[i] = act(src[i] + bias + residual[i])</c> for i &lt; <paramref name="n"/>; residual may be null,
    /// <paramref name="dst"/> may be <paramref name="src"/>.</summary>
    public static void Row(float* src, float* residual, float* dst, float bias, bool hasBias, bool relu, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var b = Vector512.Create(bias);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.Load(src + i);
                if (hasBias) v += b;
                if (residual != null) v += Vector512.Load(residual + i);
                if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                v.Store(dst + i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var b = Vector256.Create(bias);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.Load(src + i);
                if (hasBias) v += b;
                if (residual != null) v += Vector256.Load(residual + i);
                if (relu) v = Vector256.Max(v, Vector256<float>.Zero);
                v.Store(dst + i);
            }
        }
        for (; i < n; i++)
        {
            float v = src[i];
            if (hasBias) v += bias;
            if (residual != null) v += residual[i];
            if (relu) v = MathF.Max(v, 0f);
            dst[i] = v;
        }
    }
}
