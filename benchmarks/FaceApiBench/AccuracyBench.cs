using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.FaceApi;
using GenderML.Imaging;

/// <summary>
/// The ready face-api age/gender net on a folder with <c>female/</c> and <c>male/</c> subfolders of face crops
/// (each whole image is the face, as in face-api's tensor path): accuracy at P(male) &gt; 0.5 and the share
/// of each class called the other. <c>--limit N</c> takes the first N files of each class in name order.
/// </summary>
internal static class AccuracyBench
{
    public static void Run(string models, string data, int threads, int limit)
    {
        var files = new List<(string Path, bool Male)>();
        foreach (var (folder, male) in new[] { ("female", false), ("male", true) })
        {
            var names = Directory.GetFiles(Path.Combine(data, folder)).Order(StringComparer.Ordinal).ToList();
            if (limit > 0) names = names.Take(limit).ToList();
            files.AddRange(names.Select(p => (p, male)));
        }

        var net = AgeGenderNet.Load(new FaceModelOptions(models) { Compute = new ComputeOptions { Threads = threads }, BatchSize = 64 });
        int correct = 0, men = 0, menAsWomen = 0, women = 0, womenAsMen = 0;
        var loadOptions = new ImageLoadOptions { Format = PixelFormat.Rgb24 };
        long t0 = Stopwatch.GetTimestamp();
        for (int start = 0; start < files.Count; start += 512)
        {
            var chunk = files.Skip(start).Take(512).ToArray();
            var images = new Image[chunk.Length];
            Parallel.For(0, chunk.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => images[i] = Image.Load(chunk[i].Path, loadOptions));
            var estimates = net.Predict(images);
            for (int i = 0; i < chunk.Length; i++)
            {
                bool saysMale = estimates[i].ProbabilityMale > 0.5f;
                if (saysMale == chunk[i].Male) correct++;
                if (chunk[i].Male) { men++; if (!saysMale) menAsWomen++; }
                else { women++; if (saysMale) womenAsMen++; }
            }
        }

        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"network\": \"face-api age_gender_model\", \"data\": \"{data}\", \"images\": {files.Count}, \"accuracy\": {100.0 * correct / files.Count:F2}, \"menCalledWomenPercent\": {100.0 * menAsWomen / Math.Max(1, men):F2}, \"womenCalledMenPercent\": {100.0 * womenAsMen / Math.Max(1, women):F2}, \"threads\": {threads}, \"seconds\": {seconds:F1}, \"imagesPerSecond\": {files.Count / seconds:F1}}}"));
    }
}
