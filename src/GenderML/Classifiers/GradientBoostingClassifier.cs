using GenderML.Models;
using GenderML.Training;
using GenderML.Trees;

namespace GenderML.Classifiers;

/// <summary>A fitted tree ensemble on uint8 pixels: P(male) = σ(base + Σ tree(pixels)).</summary>
internal sealed class GradientBoostingClassifier(GradientBoostedTrees trees, ClassifierInfo info) : PixelClassifier
{
    public GradientBoostedTrees Trees => trees;

    public override ClassifierInfo Info => info;

    public override float[] Probabilities(SampleSource samples, CancellationToken cancellation = default)
    {
        var result = new float[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            if ((i & 1023) == 0) cancellation.ThrowIfCancellationRequested();
            result[i] = trees.PredictProbability(samples.Sample(i));
        }
        return result;
    }

    public override void Save(string path) => ModelStore.Save(path, this);

    /// <summary>All samples as one row-major byte matrix, as the trainer takes them.</summary>
    public static FeatureMatrix Matrix(SampleSource samples)
    {
        int d = samples.BytesPerSample;
        var bytes = new byte[(long)samples.Count * d];
        for (int i = 0; i < samples.Count; i++) samples.Sample(i).CopyTo(bytes.AsSpan(i * d, d));
        return FeatureMatrix.FromBytes(bytes, d);
    }
}
