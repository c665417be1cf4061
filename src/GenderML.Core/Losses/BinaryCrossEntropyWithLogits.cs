namespace GenderML.Core.Losses;

/// <summary>
/// Binary cross-entropy on raw scores (logits), averaged over the batch, with optional class weights:
/// <c>loss = Σᵢ wᵢ·ℓᵢ / Σᵢ wᵢ</c> where <c>ℓᵢ = max(xᵢ, 0) − xᵢ·yᵢ + log(1 + e^(−|xᵢ|))</c>
/// and <c>wᵢ = (1 − yᵢ)·w₀ + yᵢ·w₁</c>.
/// </summary>
/// <remarks>
/// <para>The form of <c>ℓᵢ</c> equals <c>−y·log σ(x) − (1 − y)·log(1 − σ(x))</c> but never overflows, like
/// PyTorch's <c>BCEWithLogitsLoss</c>. Without class weights every <c>wᵢ = 1</c> and the loss is the plain
/// mean, as PyTorch's. With class weights <c>[w₀, w₁]</c> (negative, positive), a hard label picks its class's
/// weight and the weighted mean divides by the sum of the weights used, as PyTorch's <c>CrossEntropyLoss</c>
/// does with <c>weight=</c>; a soft label <c>y ∈ (0, 1)</c> interpolates the two weights.</para>
/// <para>The gradient written is <c>∂loss/∂xᵢ = wᵢ·(σ(xᵢ) − yᵢ) / Σⱼ wⱼ</c>. When every weight is zero the
/// loss and gradient are zero.</para>
/// </remarks>
public sealed class BinaryCrossEntropyWithLogits
{
    private readonly double _negativeWeight;
    private readonly double _positiveWeight;

    /// <summary>Creates the loss; <paramref name="classWeights"/> is <c>[w₀, w₁]</c> (negative, positive) or null for 1 and 1.</summary>
    /// <exception cref="ArgumentException">The weights are not two finite, non-negative numbers.</exception>
    public BinaryCrossEntropyWithLogits(float[]? classWeights = null)
    {
        if (classWeights is null)
        {
            _negativeWeight = _positiveWeight = 1;
            return;
        }
        LossChecks.ValidateClassWeights(classWeights, 2, nameof(classWeights));
        _negativeWeight = classWeights[0];
        _positiveWeight = classWeights[1];
    }

    /// <summary>The class weights <c>[w₀, w₁]</c> in use.</summary>
    public IReadOnlyList<float> ClassWeights => [(float)_negativeWeight, (float)_positiveWeight];

    /// <summary>
    /// Returns the weighted mean loss of <paramref name="logits"/> against <paramref name="targets"/> (each in [0, 1])
    /// and writes <c>∂loss/∂logits</c> into <paramref name="gradient"/> (overwritten, same length). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The spans are empty or differ in length.</exception>
    public float Compute(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        LossChecks.ValidateLengths(logits.Length, targets.Length, gradient.Length);
        double weightSum = 0, lossSum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i], y = targets[i];
            double w = (1 - y) * _negativeWeight + y * _positiveWeight;
            double e = Math.Exp(-Math.Abs(x));
            double loss = Math.Max(x, 0) - x * y + Math.Log(1 + e);
            double sigmoid = x >= 0 ? 1 / (1 + e) : e / (1 + e);
            lossSum += w * loss;
            weightSum += w;
            gradient[i] = (float)(w * (sigmoid - y)); // scaled by 1/Σw below
        }
        if (weightSum == 0)
        {
            gradient.Clear();
            return 0;
        }
        float scale = (float)(1 / weightSum);
        for (int i = 0; i < gradient.Length; i++) gradient[i] *= scale;
        return (float)(lossSum / weightSum);
    }

    /// <summary>
    /// Tensor form of <see cref="Compute(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>: one logit per
    /// value of <paramref name="logits"/> (any shape, e.g. <c>[N, 1]</c>); <paramref name="gradient"/> has its shape.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or lengths do not match.</exception>
    public float Compute(Tensor logits, ReadOnlySpan<float> targets, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(gradient);
        LossChecks.ValidateSameShape(logits, gradient);
        return Compute(logits.Data, targets, gradient.Data);
    }
}
