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

/// <summary>Applies an <see cref="Activation"/> in place.</summary>
internal static class Activations
{
    public static void Apply(Activation activation, Span<float> x)
    {
        switch (activation)
        {
            case Activation.Relu:
                for (int i = 0; i < x.Length; i++) x[i] = MathF.Max(x[i], 0f);
                break;
            case Activation.Relu6:
                for (int i = 0; i < x.Length; i++) x[i] = MathF.Min(MathF.Max(x[i], 0f), 6f);
                break;
            case Activation.Leaky:
                for (int i = 0; i < x.Length; i++)
                {
                    float m = x[i] * 0.1f;
                    x[i] = MathF.Max(x[i] - m, 0f) + m;
                }

                break;
        }
    }
}
