namespace GenderML.Core.Losses;

/// <summary>
/// Softmax cross-entropy of <c>[N, C]</c> logits against class indices, averaged over the batch with optional
/// class weights: <c>loss = Σᵢ w[yᵢ]·(log Σ_c e^(xᵢ,c) − xᵢ,yᵢ) / Σᵢ w[yᵢ]</c>.
/// </summary>
/// <remarks>
/// <para>The log-sum-exp is taken as <c>m + log Σ_c e^(x_c − m)</c> with <c>m = max_c x_c</c>, so large logits
/// never overflow. Semantics are PyTorch's <c>CrossEntropyLoss(weight=w, reduction='mean')</c>: the weighted mean
/// divides by the sum of the weights of the samples' classes (by N when unweighted).</para>
/// <para>The gradient written is <c>∂loss/∂xᵢ,c = w[yᵢ]·(softmax(xᵢ)_c − [c = yᵢ]) / Σⱼ w[yⱼ]</c>. When every
/// weight used is zero the loss and gradient are zero.</para>
/// </remarks>
public sealed class SoftmaxCrossEntropy
{
    private readonly float[]? _classWeights;

    /// <summary>Creates the loss; <paramref name="classWeights"/> holds one weight per class, or null for all 1.</summary>
    /// <exception cref="ArgumentException">A weight is negative or not finite.</exception>
    public SoftmaxCrossEntropy(float[]? classWeights = null)
    {
        if (classWeights is null) return;
        LossChecks.ValidateClassWeights(classWeights, classWeights.Length, nameof(classWeights));
        _classWeights = (float[])classWeights.Clone();
    }

    /// <summary>The class weights in use, or null when unweighted.</summary>
    public IReadOnlyList<float>? ClassWeights => _classWeights;

    /// <summary>
    /// Returns the weighted mean loss of <paramref name="logits"/> (row-major <c>[N, classes]</c>) against
    /// <paramref name="labels"/> (N class indices) and writes <c>∂loss/∂logits</c> into <paramref name="gradient"/>
    /// (overwritten, same length). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths disagree, the batch is empty, or the weights do not match <paramref name="classes"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes).</exception>
    public float Compute(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, Span<float> gradient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (_classWeights is not null && _classWeights.Length != classes)
            throw new ArgumentException($"the loss has {_classWeights.Length} class weights but the logits have {classes} classes", nameof(classes));
        if ((long)labels.Length * classes != logits.Length)
            throw new ArgumentException($"{labels.Length} labels × {classes} classes need {(long)labels.Length * classes} logits, got {logits.Length}", nameof(logits));
        LossChecks.ValidateLengths(logits.Length, logits.Length, gradient.Length);

        double weightSum = 0, lossSum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} of sample {i} is outside [0, {classes})");
            double w = _classWeights is null ? 1 : _classWeights[label];
            ReadOnlySpan<float> row = logits.Slice(i * classes, classes);
            Span<float> gradRow = gradient.Slice(i * classes, classes);
            double max = double.NegativeInfinity;
            foreach (float x in row) max = Math.Max(max, x);
            double sum = 0;
            foreach (float x in row) sum += Math.Exp(x - max);
            double logSumExp = max + Math.Log(sum);
            lossSum += w * (logSumExp - row[label]);
            weightSum += w;
            for (int c = 0; c < classes; c++)
                gradRow[c] = (float)(w * (Math.Exp(row[c] - logSumExp) - (c == label ? 1 : 0)));
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
    /// Tensor form of <see cref="Compute(ReadOnlySpan{float}, ReadOnlySpan{int}, int, Span{float})"/> for
    /// <c>[N, C]</c> logits; <paramref name="gradient"/> has their shape.
    /// </summary>
    /// <exception cref="ArgumentException">The logits are not rank 2 or the shapes do not match.</exception>
    public float Compute(Tensor logits, ReadOnlySpan<int> labels, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(gradient);
        if (logits.Rank != 2) throw new ArgumentException($"logits must be [N, classes], got {logits}", nameof(logits));
        LossChecks.ValidateSameShape(logits, gradient);
        return Compute(logits.Data, labels, logits.Dim(1), gradient.Data);
    }
}
