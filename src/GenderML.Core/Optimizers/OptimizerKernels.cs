using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenderML.Core.Optimizers;

/// <summary>The float32 scalars of one Adam update, computed in double by the caller.</summary>
internal readonly record struct AdamScalars(
    float Decay, float L2, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
    float BiasCorrection2Sqrt, float Epsilon, float NegativeStepSize);

/// <summary>
/// Element-wise optimizer updates on <see cref="Vector512{T}"/> with a scalar tail that performs the very same
/// operations (no fused multiply-add), so every element gets the same bits whatever its position or the vector
/// width. <see cref="OptimizerKernelsReference"/> holds the plain loops they are tested against.
/// </summary>
internal static class OptimizerKernels
{
    /// <summary><c>w ← w − η·(∇ + λ·w)</c>.</summary>
    internal static void Sgd(Span<float> w, ReadOnlySpan<float> grad, float lr, float wd)
    {
        int n = w.Length, i = 0;
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        float negLr = -lr;
        if (Vector512.IsHardwareAccelerated)
        {
            var vNegLr = Vector512.Create(negLr);
            var vWd = Vector512.Create(wd);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var wv = Vector512.LoadUnsafe(ref wr, (nuint)i);
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                if (wd != 0) g += vWd * wv;
                (wv + vNegLr * g).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref gr, i);
            float wv = Unsafe.Add(ref wr, i);
            if (wd != 0) g += wd * wv;
            Unsafe.Add(ref wr, i) = wv + negLr * g;
        }
    }

    /// <summary><c>g = ∇ + λ·w</c>; <c>b ← μ·b + g</c>; <c>w ← w − η·(nesterov ? g + μ·b : b)</c>.</summary>
    internal static void SgdMomentum(Span<float> w, ReadOnlySpan<float> grad, Span<float> buffer, float lr, float momentum, float wd, bool nesterov)
    {
        int n = w.Length, i = 0;
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        ref float br = ref MemoryMarshal.GetReference(buffer);
        float negLr = -lr;
        if (Vector512.IsHardwareAccelerated)
        {
            var vNegLr = Vector512.Create(negLr);
            var vWd = Vector512.Create(wd);
            var vMu = Vector512.Create(momentum);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var wv = Vector512.LoadUnsafe(ref wr, (nuint)i);
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                if (wd != 0) g += vWd * wv;
                var b = Vector512.LoadUnsafe(ref br, (nuint)i) * vMu + g;
                b.StoreUnsafe(ref br, (nuint)i);
                var d = nesterov ? g + vMu * b : b;
                (wv + vNegLr * d).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref gr, i);
            float wv = Unsafe.Add(ref wr, i);
            if (wd != 0) g += wd * wv;
            float b = Unsafe.Add(ref br, i) * momentum + g;
            Unsafe.Add(ref br, i) = b;
            float d = nesterov ? g + momentum * b : b;
            Unsafe.Add(ref wr, i) = wv + negLr * d;
        }
    }

    /// <summary>
    /// <c>w ← w·decay</c>; <c>g = ∇ + l2·w</c>; <c>m ← m·β₁ + (1−β₁)·g</c>; <c>v ← v·β₂ + (1−β₂)·g²</c>;
    /// <c>w ← w + (−step)·m/(√v/√bc₂ + ε)</c>.
    /// </summary>
    internal static void Adam(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, in AdamScalars s)
    {
        int n = w.Length, i = 0;
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        bool decay = s.Decay != 1, l2 = s.L2 != 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vDecay = Vector512.Create(s.Decay);
            var vL2 = Vector512.Create(s.L2);
            var vB1 = Vector512.Create(s.Beta1);
            var vC1 = Vector512.Create(s.OneMinusBeta1);
            var vB2 = Vector512.Create(s.Beta2);
            var vC2 = Vector512.Create(s.OneMinusBeta2);
            var vBc2 = Vector512.Create(s.BiasCorrection2Sqrt);
            var vEps = Vector512.Create(s.Epsilon);
            var vStep = Vector512.Create(s.NegativeStepSize);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var wv = Vector512.LoadUnsafe(ref wr, (nuint)i);
                if (decay) wv *= vDecay;
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                if (l2) g += vL2 * wv;
                var mv = Vector512.LoadUnsafe(ref mr, (nuint)i) * vB1 + vC1 * g;
                var vv = Vector512.LoadUnsafe(ref vr, (nuint)i) * vB2 + vC2 * (g * g);
                mv.StoreUnsafe(ref mr, (nuint)i);
                vv.StoreUnsafe(ref vr, (nuint)i);
                var denom = Vector512.Sqrt(vv) / vBc2 + vEps;
                (wv + vStep * (mv / denom)).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float wv = Unsafe.Add(ref wr, i);
            if (decay) wv *= s.Decay;
            float g = Unsafe.Add(ref gr, i);
            if (l2) g += s.L2 * wv;
            float mv = Unsafe.Add(ref mr, i) * s.Beta1 + s.OneMinusBeta1 * g;
            float vv = Unsafe.Add(ref vr, i) * s.Beta2 + s.OneMinusBeta2 * (g * g);
            Unsafe.Add(ref mr, i) = mv;
            Unsafe.Add(ref vr, i) = vv;
            float denom = MathF.Sqrt(vv) / s.BiasCorrection2Sqrt + s.Epsilon;
            Unsafe.Add(ref wr, i) = wv + s.NegativeStepSize * (mv / denom);
        }
    }
}
