namespace GenderML.Core.Layers;

/// <summary>
/// Runs a chain of layers in evaluation mode with neighbours fused where that gives the same numbers with fewer passes
/// over memory: a ReLU before a separable convolution is taken as its depthwise kernel reads the input; a ReLU after a
/// convolution or separable convolution runs in its output pass; a leaky ReLU (slope ≥ 0) before a max pool runs on the
/// pooled output (it commutes with the maximum), and a separable convolution before both is pooled band by band while
/// its output is in cache, as is a convolution before a max pool (with a ReLU, a leaky ReLU of slope ≥ 0 or nothing
/// between them); a residual to add after the last layer goes into that layer's output pass when it is a
/// convolution or a max pool. Everything else runs as it is.
/// </summary>
internal static class InferenceFusion
{
    /// <summary>
    /// <paramref name="layers"/> on <paramref name="x"/>; <paramref name="added"/> tells whether
    /// <paramref name="residual"/> (null for none, shaped like the output) was added to the result.
    /// </summary>
    public static Tensor Forward(IReadOnlyList<Layer> layers, Tensor x, Tensor? residual, out bool added)
    {
        added = false;
        int count = layers.Count;
        for (int i = 0; i < count; i++)
        {
            Layer layer = layers[i];
            bool reluInput = layer is ReLU && i + 1 < count && layers[i + 1] is SeparableConv2d;
            if (reluInput) layer = layers[++i];
            bool reluAfter = i + 1 < count && layers[i + 1] is ReLU;
            // The residual goes into the output pass of a last convolution with no ReLU after it, or of a last max pool.
            Tensor? add = i == count - 1 ? residual : null;
            if (layer is SeparableConv2d pooled && add is null && i + 2 < count && layers[i + 1] is LeakyReLU leakyAfter
                && layers[i + 2] is MaxPool2d poolAfter
                && pooled.ForwardInferencePooled(x, reluInput, poolAfter, leakyAfter.NegativeSlope) is { } y)
            {
                x = y;
                i += 2;
                continue;
            }
            // A convolution (and its ReLU or leaky ReLU) before a max pool: pooled in the convolution's output pass.
            float slope = i + 1 < count && layers[i + 1] is LeakyReLU convLeaky && convLeaky.NegativeSlope >= 0f
                ? convLeaky.NegativeSlope : float.NaN;
            int poolAt = reluAfter || !float.IsNaN(slope) ? i + 2 : i + 1;
            if (layer is Conv2d pooling && add is null && poolAt < count && layers[poolAt] is MaxPool2d poolNext
                && pooling.ForwardPooled(x, reluAfter, poolNext, slope) is { } z)
            {
                x = z;
                i = poolAt;
                continue;
            }
            switch (layer)
            {
                case SeparableConv2d separable:
                    x = separable.ForwardInference(x, reluInput, add, reluAfter);
                    added |= add is not null;
                    if (reluAfter) i++;
                    break;
                case Conv2d conv when reluAfter || add is not null:
                    x = conv.ForwardFused(x, add, reluAfter);
                    added |= add is not null;
                    if (reluAfter) i++;
                    break;
                case MaxPool2d pool when add is not null:
                    x = pool.ForwardResidual(x, add);
                    added = true;
                    break;
                case LeakyReLU leaky when leaky.NegativeSlope >= 0f && i + 1 < count && layers[i + 1] is MaxPool2d pool:
                    x = pool.ForwardAfterLeakyRelu(x, leaky.NegativeSlope);
                    i++;
                    break;
                default:
                    x = layer.Forward(x);
                    break;
            }
        }
        return x;
    }

    /// <summary>Whether <see cref="Forward"/> adds a residual in the output pass of <paramref name="layers"/>' last
    /// layer.</summary>
    public static bool TakesResidual(IReadOnlyList<Layer> layers)
    {
        int count = layers.Count;
        if (count == 0) return false;
        Layer last = layers[count - 1];
        Layer? before = count > 1 ? layers[count - 2] : null;
        return last switch
        {
            // Not when a leaky ReLU (and a separable convolution) or a convolution (and a ReLU) pools it in its pass.
            MaxPool2d => before is not (LeakyReLU or Conv2d) && !(before is ReLU && count > 2 && layers[count - 3] is Conv2d),
            SeparableConv2d or Conv2d => true,
            _ => false,
        };
    }
}
