using GenderML.Core;

namespace GenderML.Training;

/// <summary>
/// Fills an N×C×S×S input tensor and its targets from samples, augmenting training samples. Each sample's
/// random changes depend only on (seed, epoch, sample index), so the batch is the same on any number of threads.
/// </summary>
internal sealed class BatchBuilder(int size, int channels, float[] scale, float[] offset, int threads)
{
    private readonly ParallelOptions _parallel = new() { MaxDegreeOfParallelism = Math.Max(1, threads) };

    public int Size => size;

    public int Channels => channels;

    /// <summary>Writes samples <paramref name="order"/>[start..start+n) into <paramref name="input"/> and <paramref name="targets"/>.</summary>
    public void Fill(SampleSource source, ReadOnlySpan<int> order, Tensor input, float[] targets, AugmentationOptions? augmentation, int seed, int epoch)
    {
        int n = order.Length, per = channels * size * size;
        int[] indices = order.ToArray();
        float[] data = input.Data;
        for (int i = 0; i < n; i++) targets[i] = source.Label(indices[i]);
        Parallel.For(0, n, _parallel, i =>
        {
            var destination = data.AsSpan(i * per, per);
            var pixels = source.Sample(indices[i]);
            if (augmentation is { Enabled: true })
            {
                var random = new SampleRandom(seed, epoch, indices[i]);
                Augmenter.Apply(pixels, size, channels, augmentation, ref random, scale, offset, destination);
            }
            else
            {
                Augmenter.Plain(pixels, size, channels, scale, offset, destination);
            }
        });
    }
}
