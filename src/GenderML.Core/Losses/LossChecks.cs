namespace GenderML.Core.Losses;

/// <summary>Argument checks shared by the losses.</summary>
internal static class LossChecks
{
    internal static void ValidateClassWeights(float[] weights, int expected, string name)
    {
        if (weights.Length != expected)
            throw new ArgumentException($"expected {expected} class weights, got {weights.Length}", name);
        for (int i = 0; i < weights.Length; i++)
            if (!float.IsFinite(weights[i]) || weights[i] < 0)
                throw new ArgumentException($"class weight {i} is {weights[i]}; weights must be finite and ≥ 0", name);
    }

    internal static void ValidateLengths(int logits, int targets, int gradient)
    {
        if (logits == 0) throw new ArgumentException("the batch is empty", "logits");
        if (targets != logits) throw new ArgumentException($"{logits} logits but {targets} targets", "targets");
        if (gradient != logits) throw new ArgumentException($"{logits} logits but the gradient buffer holds {gradient}", "gradient");
    }

    internal static void ValidateSameShape(Tensor logits, Tensor gradient)
    {
        if (!logits.Shape.SequenceEqual(gradient.Shape))
            throw new ArgumentException($"the gradient buffer {gradient} must have the logits' shape {logits}", nameof(gradient));
    }
}
