using GenderML.Linear;
using GenderML.Models;
using GenderML.Training;

namespace GenderML.Classifiers;

/// <summary>A fitted logistic regression on pixels scaled to [0, 1]: P(male) = σ(w·(p/255) + b).</summary>
internal sealed class LogisticClassifier(LogisticModel model, ClassifierInfo info) : PixelClassifier
{
    public LogisticModel Model => model;

    public override ClassifierInfo Info => info;

    public override float[] Probabilities(SampleSource samples, CancellationToken cancellation = default)
    {
        int d = samples.BytesPerSample;
        var result = new float[samples.Count];
        var row = new float[d];
        for (int i = 0; i < samples.Count; i++)
        {
            if ((i & 1023) == 0) cancellation.ThrowIfCancellationRequested();
            Features.Scale(samples.Sample(i), row);
            result[i] = (float)model.PredictProbability(row);
        }
        return result;
    }

    public override void Save(string path) => ModelStore.Save(path, this);

    /// <summary>Pixels → logistic-regression features.</summary>
    internal static class Features
    {
        /// <summary><c>row[j] = pixels[j] / 255</c>.</summary>
        public static void Scale(ReadOnlySpan<byte> pixels, Span<float> row)
        {
            for (int j = 0; j < row.Length; j++) row[j] = pixels[j] * (1f / 255f);
        }

        /// <summary>The n × d feature matrix of every sample.</summary>
        public static float[] Matrix(SampleSource samples)
        {
            int d = samples.BytesPerSample;
            var matrix = new float[(long)samples.Count * d];
            Parallel.For(0, samples.Count, i => Scale(samples.Sample(i), matrix.AsSpan(i * d, d)));
            return matrix;
        }
    }
}
