using System.Numerics;
using System.Runtime.InteropServices;

namespace GenderML.FaceApi;

/// <summary>The element-wise function a layer applies to its output.</summary>
internal enum Activation
{
    /// <summary>Identity.</summary>
    None,

    /// <summary><c>max(x, 0)</c>.</summary>
    Relu,

    /// <summary><c>min(max(x, 0), 6)</c>.</summary>
    Relu6,

    /// <summary>face-api's leaky ReLU, <c>relu(x − 0.1x) + 0.1x</c> in float32 (tinyYolov2/leaky.ts).</summary>
    Leaky,
}

/// <summary>Applies an <see cref="Activation"/> in place (SIMD body, scalar tail).</summary>
internal static class Activations
{
    public static void Apply(Activation activation, Span<float> x)
    {
        switch (activation)
        {
            case Activation.Relu: Clamp(x, 0f, float.PositiveInfinity); break;
            case Activation.Relu6: Clamp(x, 0f, 6f); break;
            case Activation.Leaky: Leaky(x); break;
        }
    }

    /// <summary><c>x[i] = min(max(x[i], lo), hi)</c>.</summary>
    private static void Clamp(Span<float> x, float lo, float hi)
    {
        var v = MemoryMarshal.Cast<float, Vector<float>>(x);
        Vector<float> vlo = new(lo), vhi = new(hi);
        for (int i = 0; i < v.Length; i++) v[i] = Vector.Min(Vector.Max(v[i], vlo), vhi);
        for (int i = v.Length * Vector<float>.Count; i < x.Length; i++) x[i] = MathF.Min(MathF.Max(x[i], lo), hi);
    }

    /// <summary><c>m = 0.1·x; x = max(x − m, 0) + m</c>.</summary>
    private static void Leaky(Span<float> x)
    {
        var v = MemoryMarshal.Cast<float, Vector<float>>(x);
        Vector<float> alpha = new(0.1f);
        for (int i = 0; i < v.Length; i++)
        {
            Vector<float> m = v[i] * alpha;
            v[i] = Vector.Max(v[i] - m, Vector<float>.Zero) + m;
        }

        for (int i = v.Length * Vector<float>.Count; i < x.Length; i++)
        {
            float m = x[i] * 0.1f;
            x[i] = MathF.Max(x[i] - m, 0f) + m;
        }
    }

    /// <summary><c>a[i] += b[i]</c>.</summary>
    public static void Add(Span<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (int i = 0; i < va.Length; i++) va[i] += vb[i];
        for (int i = va.Length * Vector<float>.Count; i < a.Length; i++) a[i] += b[i];
    }
}
