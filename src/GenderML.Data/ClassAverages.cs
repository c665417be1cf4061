using GenderML.Imaging;

namespace GenderML.Data;

/// <summary>
/// The mean preprocessed sample of each class of a dataset (<c>means[c][k]</c> = mean over the decoded samples of class
/// c of byte k, in [0, 255]) and the samples each mean is over.
/// </summary>
public sealed class ClassAverages
{
    private const int Gap = 2;

    private ClassAverages(PreprocessOptions options, double[][] means, int[] counts)
    {
        Options = options;
        Means = means;
        Counts = counts;
    }

    /// <summary>The preprocessing the samples went through (their size and pixel format).</summary>
    public PreprocessOptions Options { get; }

    /// <summary>The mean sample of each class, by label index, each value in [0, 255].</summary>
    public IReadOnlyList<double[]> Means { get; }

    /// <summary>The decoded samples of each class, by label index (undecodable files are left out).</summary>
    public IReadOnlyList<int> Counts { get; }

    /// <summary>The per-class means of the samples <paramref name="cache"/> holds for <paramref name="dataset"/>.</summary>
    public static ClassAverages Compute(Dataset dataset, PixelCache cache)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(cache);
        int per = cache.Options.BytesPerImage, classes = dataset.ClassNames.Count;
        var sums = new long[classes][];
        var counts = new int[classes];
        for (int c = 0; c < classes; c++) sums[c] = new long[per];
        for (int i = 0; i < dataset.Items.Count; i++)
        {
            if (!cache.IsDecoded(i)) continue;
            int label = dataset.Items[i].Label;
            AddTo(sums[label], cache.GetPixels(i));
            counts[label]++;
        }
        var means = new double[classes][];
        for (int c = 0; c < classes; c++) means[c] = [.. sums[c].Select(s => counts[c] == 0 ? 0 : (double)s / counts[c])];
        return new ClassAverages(cache.Options, means, counts);
    }

    /// <summary>
    /// [mean 0 | mean 1 | … | last − first] in one image, panels separated by white gaps; the difference is scaled so
    /// that its largest magnitude reaches 0 or 255 around mid-gray 127.5.
    /// </summary>
    public Image SideBySide()
    {
        var o = Options;
        int n = o.Size, ch = o.Channels, panels = Means.Count + (Means.Count >= 2 ? 1 : 0);
        int width = panels * n + (panels - 1) * Gap;
        var image = new Image(width, n, o.Format);
        image.Pixels.AsSpan().Fill(255);
        for (int p = 0; p < Means.Count; p++)
            Blit(image, p * (n + Gap), n, ch, [.. Means[p].Select(v => (byte)Math.Round(v))]);
        if (Means.Count >= 2)
        {
            double[] diff = [.. Means[^1].Zip(Means[0], (x, y) => x - y)];
            double max = Math.Max(1e-9, diff.Max(Math.Abs));
            Blit(image, Means.Count * (n + Gap), n, ch,
                [.. diff.Select(d => (byte)Math.Clamp(Math.Round(127.5 + 127.5 * d / max), 0, 255))]);
        }
        return image;
    }

    private static void AddTo(long[] sums, ReadOnlySpan<byte> pixels)
    {
        for (int k = 0; k < pixels.Length; k++) sums[k] += pixels[k];
    }

    private static void Blit(Image image, int x0, int n, int ch, byte[] panel)
    {
        for (int y = 0; y < n; y++)
            panel.AsSpan(y * n * ch, n * ch).CopyTo(image.Pixels.AsSpan((y * image.Width + x0) * ch, n * ch));
    }
}
