using GenderML.Core.Layers;
using GenderML.Core.Losses;
using GenderML.Core.Optimizers;

namespace GenderML.Core.Training;

/// <summary>
/// One optimisation step of a network with one logit per example: zero the gradients, forward, binary cross-entropy
/// with logits, backward, <see cref="BeforeUpdate"/>, optimizer step. Buffers are reused, so a warmed-up step
/// allocates nothing. The network's input is data, so its gradient is not computed
/// (<see cref="Layer.InputGradientNeeded"/> is set false). Every network the library trains takes its steps here.
/// </summary>
public sealed class BinaryTrainingStep
{
    private readonly Layer _network;
    private readonly Optimizer[] _optimizers;
    private readonly BinaryCrossEntropyWithLogits _loss;
    private Tensor? _gradient;

    /// <summary>Trains <paramref name="network"/> (which must output N×1 or N logits) with <paramref name="optimizer"/>.</summary>
    public BinaryTrainingStep(Layer network, Optimizer optimizer, BinaryCrossEntropyWithLogits? loss = null)
        : this(network, [optimizer ?? throw new ArgumentNullException(nameof(optimizer))], loss)
    {
    }

    /// <summary>
    /// Trains <paramref name="network"/> with several optimizers, each over its own parameters (per-tensor learning
    /// rates, for example); each step zeroes and steps them all.
    /// </summary>
    public BinaryTrainingStep(Layer network, IReadOnlyList<Optimizer> optimizers,
        BinaryCrossEntropyWithLogits? loss = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizers);
        _network = network;
        _optimizers = [.. optimizers];
        _loss = loss ?? new BinaryCrossEntropyWithLogits();
        _network.InputGradientNeeded = false;
    }

    /// <summary>
    /// Runs between the backward pass and the optimizer's update: penalties added to the gradients, gradient
    /// clipping, the learning rate of this step. Null: nothing.
    /// </summary>
    public Action? BeforeUpdate { get; init; }

    /// <summary>The logits of the last <see cref="Run"/> (N×1 or N), valid until the next one.</summary>
    public Tensor? Logits { get; private set; }

    /// <summary>Runs one step on <paramref name="inputs"/> (N×…) with <paramref name="targets"/> (N values in [0, 1]); returns the batch's mean loss before the update.</summary>
    public float Run(Tensor inputs, ReadOnlySpan<float> targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _network.SetTraining(true);
        foreach (var optimizer in _optimizers) optimizer.ZeroGradients();
        var logits = _network.Forward(inputs);
        if (logits.Length != targets.Length)
            throw new ArgumentException($"the network gives {logits} logits for {targets.Length} targets; it needs one output per example", nameof(targets));
        var gradient = TensorBuffers.EnsureLike(ref _gradient, logits);
        float loss = _loss.Compute(logits, targets, gradient);
        _network.Backward(gradient);
        BeforeUpdate?.Invoke();
        foreach (var optimizer in _optimizers) optimizer.Step();
        Logits = logits;
        return loss;
    }
}
