using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenderML.Core.Ops;

/// <summary>Per-plane reductions and affine maps for batch normalisation, vectorised.</summary>
internal static class ChannelOps
{
    /// <summary><c>Σ (x[i] − mean)²</c>.</summary>
    public static float SumSquaredDeviation(ReadOnlySpan<float> x, float mean)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<float>.Count)
        {
            var vm = Vector512.Create(mean);
            var acc = Vector512<float>.Zero;
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var d = Vector512.LoadUnsafe(ref rx, (nuint)i) - vm;
                acc = Vector512.FusedMultiplyAdd(d, d, acc);
            }
            sum = Vector512.Sum(acc);
        }
        for (; i < x.Length; i++) { float d = Unsafe.Add(ref rx, i) - mean; sum += d * d; }
        return sum;
    }

    /// <summary><c>Σ dy[i] · (x[i] − mean)</c>.</summary>
    public static float DotDeviation(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float mean)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rdy = ref MemoryMarshal.GetReference(dy);
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<float>.Count)
        {
            var vm = Vector512.Create(mean);
            var acc = Vector512<float>.Zero;
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i) - vm, Vector512.LoadUnsafe(ref rdy, (nuint)i), acc);
            sum = Vector512.Sum(acc);
        }
        for (; i < x.Length; i++) sum += Unsafe.Add(ref rdy, i) * (Unsafe.Add(ref rx, i) - mean);
        return sum;
    }

    /// <summary><c>y[i] = x[i] · a + b</c>.</summary>
    public static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i), va, vb), ref ry, (nuint)i);
        }
        for (; i < x.Length; i++) Unsafe.Add(ref ry, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref rx, i), a, b);
    }

    /// <summary><c>dx[i] = a · dy[i] + b · x[i] + c</c> (the batch-norm input gradient with its constants folded).</summary>
    public static void Combine(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float a, float b, float c, Span<float> dx)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rdy = ref MemoryMarshal.GetReference(dy);
        ref float rdx = ref MemoryMarshal.GetReference(dx);
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            var vc = Vector512.Create(c);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var t = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i), vb, vc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rdy, (nuint)i), va, t), ref rdx, (nuint)i);
            }
        }
        for (; i < x.Length; i++) Unsafe.Add(ref rdx, i) = Unsafe.Add(ref rdy, i) * a + (Unsafe.Add(ref rx, i) * b + c);
    }

    /// <summary><c>y[i] = max(x[i] · a + b, 0)</c>: <see cref="Affine"/> and then <see cref="Elementwise.Relu"/>, in one
    /// pass.</summary>
    public static void AffineRelu(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i), va, vb);
                Vector512.StoreUnsafe(Vector512.Max(v, Vector512<float>.Zero), ref ry, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
            Unsafe.Add(ref ry, i) = MathF.Max(MathF.FusedMultiplyAdd(Unsafe.Add(ref rx, i), a, b), 0f);
    }

    /// <summary>
    /// <c>y[i] = max((x[i] · a + b) + r[i], 0)</c>: <see cref="Affine"/>, the residual added and the ReLU, in one pass
    /// (the sum rounded to float before the ReLU, as the three passes do).
    /// </summary>
    public static void AffineAddRelu(ReadOnlySpan<float> x, float a, float b, ReadOnlySpan<float> r, Span<float> y)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i), va, vb)
                    + Vector512.LoadUnsafe(ref rr, (nuint)i);
                Vector512.StoreUnsafe(Vector512.Max(v, Vector512<float>.Zero), ref ry, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
            Unsafe.Add(ref ry, i) = MathF.Max(MathF.FusedMultiplyAdd(Unsafe.Add(ref rx, i), a, b) + Unsafe.Add(ref rr, i), 0f);
    }

    /// <summary>
    /// <c>dz[i] = x[i] · a + b &gt; 0 ? dy[i] : 0</c>: the ReLU's derivative after <see cref="Affine"/>, the mask
    /// recomputed from the affine map's input (the same bits as <see cref="Elementwise.ReluBackward"/> on its output).
    /// </summary>
    public static void ReluBackwardOfAffine(ReadOnlySpan<float> x, float a, float b, ReadOnlySpan<float> dy, Span<float> dz)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rdy = ref MemoryMarshal.GetReference(dy);
        ref float rdz = ref MemoryMarshal.GetReference(dz);
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var z = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, (nuint)i), va, vb);
                var mask = Vector512.GreaterThan(z, Vector512<float>.Zero);
                Vector512.StoreUnsafe(Vector512.BitwiseAnd(mask, Vector512.LoadUnsafe(ref rdy, (nuint)i)), ref rdz, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
            Unsafe.Add(ref rdz, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref rx, i), a, b) > 0f ? Unsafe.Add(ref rdy, i) : 0f;
    }
}
