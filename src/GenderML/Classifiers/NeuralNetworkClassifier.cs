using GenderML.Core.Layers;
using GenderML.Core;
using GenderML.Models;
using GenderML.Training;

namespace GenderML.Classifiers;

/// <summary>A trained one-logit network: P(male) = σ(network(sample)).</summary>
internal sealed class NeuralNetworkClassifier : PixelClassifier
{
    private readonly Layer _network;
    private readonly BatchBuilder _builder;

    public NeuralNetworkClassifier(NetworkSpec spec, Layer network, ClassifierInfo info, int threads)
    {
        Spec = spec;
        _network = network;
        Info = info;
        _network.SetCompute(new ComputeOptions { Threads = Math.Max(1, threads) });
        _network.SetTraining(false);
        // A trained classifier only predicts: frozen weights let its layers keep them packed for their kernels.
        foreach (var p in _network.Parameters()) p.Trainable = false;
        _builder = spec.CreateBatchBuilder(threads);
    }

    public NetworkSpec Spec { get; }

    /// <summary>The trained network, in evaluation mode (read by the ONNX export).</summary>
    internal Layer Network => _network;

    public override ClassifierInfo Info { get; }

    /// <summary>The network's named tensors (weights and batch-norm statistics).</summary>
    public IReadOnlyList<Parameter> State => _network.State();

    public override float[] Probabilities(SampleSource samples, CancellationToken cancellation = default)
    {
        var logits = NetworkRunner.Logits(_network, samples, _builder, 64, cancellation);
        for (int i = 0; i < logits.Length; i++) logits[i] = NetworkRunner.Sigmoid(logits[i]);
        return logits;
    }

    /// <summary>The same network under other info (the trainer adds the validation metrics).</summary>
    public override NeuralNetworkClassifier WithInfo(ClassifierInfo info) => new(Spec, _network, info, _network.Compute.Threads);

    public override void Save(string path) => ModelStore.Save(path, this);
}
