namespace GenderML.Core.Optimizers;

/// <summary>Plain loops computing what <see cref="OptimizerKernels"/> computes, the reference it is tested against.</summary>
internal static class OptimizerKernelsReference
{
    internal static void Sgd(float[] w, float[] grad, float lr, float wd)
    {
        for (int i = 0; i < w.Length; i++)
        {
            float g = grad[i];
            if (wd != 0) g += wd * w[i];
            w[i] += -lr * g;
        }
    }

    internal static void SgdMomentum(float[] w, float[] grad, float[] buffer, float lr, float momentum, float wd, bool nesterov)
    {
        for (int i = 0; i < w.Length; i++)
        {
            float g = grad[i];
            if (wd != 0) g += wd * w[i];
            buffer[i] = buffer[i] * momentum + g;
            float d = nesterov ? g + momentum * buffer[i] : buffer[i];
            w[i] += -lr * d;
        }
    }

    internal static void Adam(float[] w, float[] grad, float[] m, float[] v, AdamScalars s)
    {
        for (int i = 0; i < w.Length; i++)
        {
            if (s.Decay != 1) w[i] *= s.Decay;
            float g = grad[i];
            if (s.L2 != 0) g += s.L2 * w[i];
            m[i] = m[i] * s.Beta1 + s.OneMinusBeta1 * g;
            v[i] = v[i] * s.Beta2 + s.OneMinusBeta2 * (g * g);
            float denom = MathF.Sqrt(v[i]) / s.BiasCorrection2Sqrt + s.Epsilon;
            w[i] += s.NegativeStepSize * (m[i] / denom);
        }
    }
}
