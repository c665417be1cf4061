using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenderML.Core.Ops;

/// <summary>Element-wise helpers the layers share, vectorised with <see cref="Vector512"/> where the hardware has it.</summary>
internal static class Elementwise
{
    /// <summary><c>y[i] = max(x[i], 0)</c>.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
        => System.Numerics.Tensors.TensorPrimitives.Max(x, 0f, y);

    /// <summary><c>dx[i] = y[i] &gt; 0 ? dy[i] : 0</c>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        ref float ry = ref MemoryMarshal.GetReference(y);
        ref float rdy = ref MemoryMarshal.GetReference(dy);
        ref float rdx = ref MemoryMarshal.GetReference(dx);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var mask = Vector512.GreaterThan(Vector512.LoadUnsafe(ref ry, (nuint)i), Vector512<float>.Zero);
                Vector512.StoreUnsafe(Vector512.BitwiseAnd(mask, Vector512.LoadUnsafe(ref rdy, (nuint)i)), ref rdx, (nuint)i);
            }
        }
        for (; i < y.Length; i++) Unsafe.Add(ref rdx, i) = Unsafe.Add(ref ry, i) > 0f ? Unsafe.Add(ref rdy, i) : 0f;
    }

    /// <summary><c>y[i] = max(y[i] + b, 0)</c> over a span: bias and ReLU fused in one pass.</summary>
    public static void AddBiasRelu(Span<float> y, float b)
    {
        int i = 0;
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var vb = Vector512.Create(b);
            for (; i <= y.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                Vector512.StoreUnsafe(Vector512.Max(Vector512.LoadUnsafe(ref ry, (nuint)i) + vb, Vector512<float>.Zero), ref ry, (nuint)i);
        }
        for (; i < y.Length; i++) Unsafe.Add(ref ry, i) = MathF.Max(Unsafe.Add(ref ry, i) + b, 0f);
    }

    /// <summary><c>y[i] = x[i] &gt; 0 ? x[i] : slope · x[i]</c>.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(slope);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref rx, (nuint)i);
                var positive = Vector512.GreaterThan(v, Vector512<float>.Zero);
                Vector512.StoreUnsafe(Vector512.ConditionalSelect(positive, v, v * vs), ref ry, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            float v = Unsafe.Add(ref rx, i);
            Unsafe.Add(ref ry, i) = v > 0f ? v : slope * v;
        }
    }

    /// <summary><c>y[i] = min(max(x[i], 0), 6)</c>.</summary>
    public static void Relu6(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var six = Vector512.Create(6f);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref rx, (nuint)i);
                Vector512.StoreUnsafe(Vector512.Min(Vector512.Max(v, Vector512<float>.Zero), six), ref ry, (nuint)i);
            }
        }
        for (; i < x.Length; i++) Unsafe.Add(ref ry, i) = MathF.Min(MathF.Max(Unsafe.Add(ref rx, i), 0f), 6f);
    }
}
