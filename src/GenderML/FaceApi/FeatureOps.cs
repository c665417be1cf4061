using GenderML.Core;

namespace GenderML.FaceApi;

/// <summary>Element-wise helpers on NCHW feature maps.</summary>
internal static class FeatureOps
{
    /// <summary>An N×C×H×W tensor whose values are garbage: for outputs that are fully overwritten.</summary>
    public static Tensor Uninitialized(int n, int c, int h, int w)
        => new([n, c, h, w], GC.AllocateUninitializedArray<float>(checked(n * c * h * w)));

    /// <summary><c>a[i] += b[i]</c>, then the activation; returns <paramref name="a"/>.</summary>
    public static Tensor AddInPlace(Tensor a, Tensor b, Activation activation = Activation.None)
    {
        if (!a.HasShape(b.ShapeArray()))
            throw new ArgumentException("shapes differ");
        Activations.Add(a.Data, b.Data);
        Activations.Apply(activation, a.Data);
        return a;
    }

    /// <summary>A copy with the activation applied.</summary>
    public static Tensor Activated(Tensor x, Activation activation)
    {
        Tensor y = x.Clone();
        Activations.Apply(activation, y.Data);
        return y;
    }

    /// <summary>Row-major <c>y[n, j] = Σ_i x[n, i]·w[i, j] (+ b[j])</c>, as TensorFlow's <c>[in, out]</c> dense layer.</summary>
    public static float[] Dense(float[] x, int batch, int inFeatures, float[] w, int outFeatures, float[]? bias)
    {
        var y = new float[batch * outFeatures];
        for (int n = 0; n < batch; n++)
        for (int j = 0; j < outFeatures; j++)
        {
            double sum = 0;
            for (int i = 0; i < inFeatures; i++) sum += (double)x[n * inFeatures + i] * w[i * outFeatures + j];
            y[n * outFeatures + j] = (float)(sum + (bias is null ? 0 : bias[j]));
        }

        return y;
    }
}
