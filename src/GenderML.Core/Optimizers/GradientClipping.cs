using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenderML.Core.Optimizers;

/// <summary>Rescaling of gradients by their global L2 norm, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Computes the global norm <c>‖g‖ = √(Σ_p Σ_i g_{p,i}²)</c> over the gradients of the trainable parameters and,
    /// when <c>c = maxNorm / (‖g‖ + 10⁻⁶)</c> is below 1, multiplies every such gradient by <c>c</c>. Returns <c>‖g‖</c>
    /// (before clipping; infinite or NaN gradients give an infinite or NaN norm and are not rescaled). Allocates nothing.
    /// </summary>
    /// <remarks>The sum of squares is accumulated in double in a fixed order, so the result does not depend on
    /// the thread count or the machine's vector width beyond float rounding of the inputs.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static float ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!float.IsFinite(maxNorm) || maxNorm <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxNorm), $"the maximum norm must be positive and finite, got {maxNorm}");
        double sumOfSquares = 0;
        for (int p = 0; p < parameters.Count; p++)
            if (parameters[p].Trainable) sumOfSquares += SumOfSquares(parameters[p].Gradient.Data);
        double norm = Math.Sqrt(sumOfSquares);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
        {
            float scale = (float)coefficient;
            for (int p = 0; p < parameters.Count; p++)
                if (parameters[p].Trainable) Scale(parameters[p].Gradient.Data, scale);
        }
        return (float)norm;
    }

    /// <summary><c>Σ xᵢ²</c> in double, sixteen lanes then the lanes in order.</summary>
    internal static double SumOfSquares(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var low = Vector512<double>.Zero;
            var high = Vector512<double>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (l, h) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)i));
                low += l * l;
                high += h * h;
            }
            for (int lane = 0; lane < Vector512<double>.Count; lane++) sum += low[lane];
            for (int lane = 0; lane < Vector512<double>.Count; lane++) sum += high[lane];
        }
        for (; i < n; i++)
        {
            double v = Unsafe.Add(ref xr, i);
            sum += v * v;
        }
        return sum;
    }

    private static void Scale(Span<float> x, float scale)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                (Vector512.LoadUnsafe(ref xr, (nuint)i) * scale).StoreUnsafe(ref xr, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref xr, i) *= scale;
    }
}
