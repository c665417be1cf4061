using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>Small vectorised element-wise helpers the kernels share. Each result depends only on its inputs, never on threads.</summary>
internal static class KernelMath
{
    /// <summary><c>dst[i] += src[i]</c>.</summary>
    public static void AddInPlace(Span<float> dst, ReadOnlySpan<float> src)
    {
        ref float d = ref dst[0];
        ref float s = ref Unsafe.AsRef(in src[0]);
        int n = dst.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref d, (nuint)i) + Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        for (; i <= n - 8; i += 8)
            (Vector256.LoadUnsafe(ref d, (nuint)i) + Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) += Unsafe.Add(ref s, i);
    }

    /// <summary><c>dst[i] += alpha · src[i]</c> (fused multiply-add per element where the hardware has it).</summary>
    public static void AddScaled(Span<float> dst, ReadOnlySpan<float> src, float alpha)
    {
        if (dst.IsEmpty) return;
        ref float d = ref dst[0];
        ref float s = ref Unsafe.AsRef(in src[0]);
        int n = dst.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref s, (nuint)i), Vector512.LoadUnsafe(ref d, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        var a8 = Vector256.Create(alpha);
        for (; i <= n - 8; i += 8)
            Vector256.FusedMultiplyAdd(a8, Vector256.LoadUnsafe(ref s, (nuint)i), Vector256.LoadUnsafe(ref d, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = MathF.FusedMultiplyAdd(alpha, Unsafe.Add(ref s, i), Unsafe.Add(ref d, i));
    }

    /// <summary><c>dst[i] += value</c>.</summary>
    public static void AddScalar(Span<float> dst, float value)
    {
        if (dst.IsEmpty) return;
        ref float d = ref dst[0];
        int n = dst.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.Create(value);
            for (; i <= n - 16; i += 16) (Vector512.LoadUnsafe(ref d, (nuint)i) + v).StoreUnsafe(ref d, (nuint)i);
        }
        var v8 = Vector256.Create(value);
        for (; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref d, (nuint)i) + v8).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) += value;
    }

    /// <summary>Σ src[i], summed in a fixed order (16 lanes, then the lanes, then the tail).</summary>
    public static float Sum(ReadOnlySpan<float> src)
    {
        if (src.IsEmpty) return 0f;
        ref float s = ref Unsafe.AsRef(in src[0]);
        int n = src.Length, i = 0;
        var acc = Vector512<float>.Zero;
        for (; i <= n - 16; i += 16) acc += Vector512.LoadUnsafe(ref s, (nuint)i);
        float sum = Vector512.Sum(acc);
        for (; i < n; i++) sum += Unsafe.Add(ref s, i);
        return sum;
    }

    /// <summary>Σ x[i]·y[i], summed in a fixed order (16 lanes with FMA, then the lanes, then the tail).</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.IsEmpty) return 0f;
        ref float a = ref Unsafe.AsRef(in x[0]);
        ref float b = ref Unsafe.AsRef(in y[0]);
        int n = x.Length, i = 0;
        var acc = Vector512<float>.Zero;
        for (; i <= n - 16; i += 16)
            acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i), acc);
        float sum = Vector512.Sum(acc);
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i), sum);
        return sum;
    }
}
