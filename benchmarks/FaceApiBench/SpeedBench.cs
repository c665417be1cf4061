using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.FaceApi;
using GenderML.Imaging;

/// <summary>Face-ResNet descriptors per second on a batch of seeded random 150×150 images (no resize), median of timed runs after two warm-ups.</summary>
internal static class SpeedBench
{
    public static void Run(string models, int[] threadCounts, int batch, int runs)
    {
        var rng = new Random(1234);
        var images = new Image[batch];
        for (int i = 0; i < batch; i++)
        {
            var px = new byte[150 * 150 * 3];
            rng.NextBytes(px);
            images[i] = new Image(150, 150, PixelFormat.Rgb24, px);
        }

        foreach (int t in threadCounts)
        {
            var net = FaceRecognitionNet.Load(new FaceModelOptions(models) { Compute = new ComputeOptions { Threads = t }, BatchSize = batch });
            for (int w = 0; w < 2; w++) net.ComputeDescriptors(images);
            var rates = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                net.ComputeDescriptors(images);
                rates.Add(batch / Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }

            rates.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"network\": \"faceresnet-150\", \"framework\": \"GenderML\", \"threads\": {t}, \"batch\": {batch}, \"imagesPerSecond\": {rates[rates.Count / 2]:F1}, \"runs\": [{string.Join(", ", rates.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))}]}}"));
        }
    }
}
