using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.FaceApi;
using GenderML.Imaging;

/// <summary>
/// Images per second of the face-api networks on seeded random images (no resize): the face ResNet (150×150
/// descriptors), the age/gender net (112×112) and the tiny face detector (416×416), each after two warm-ups;
/// median of the timed runs by wall time and by process CPU time.
/// </summary>
internal static class SpeedBench
{
    public static void Run(string models, int[] threadCounts, int batch, int runs)
    {
        foreach (int t in threadCounts)
        {
            var compute = new ComputeOptions { Threads = t };
            var options = new FaceModelOptions(models) { Compute = compute, BatchSize = batch };
            var resnet = FaceRecognitionNet.Load(options);
            Time("faceresnet-150", t, batch, runs, Images(batch, 150), faces => resnet.ComputeDescriptors(faces));
            var ageGender = AgeGenderNet.Load(options);
            Time("agegender-112", t, batch, runs, Images(batch, 112), faces => ageGender.Predict(faces));
            var tiny = FaceDetector.Load(options, new FaceDetectorOptions { Kind = FaceDetectorKind.Tiny });
            Time("tinydetector-416", t, batch, runs, Images(batch, 416), faces => tiny.Detect(faces));
        }
    }

    private static Image[] Images(int count, int side)
    {
        var rng = new Random(1234);
        var images = new Image[count];
        for (int i = 0; i < count; i++)
        {
            var px = new byte[side * side * 3];
            rng.NextBytes(px);
            images[i] = new Image(side, side, PixelFormat.Rgb24, px);
        }

        return images;
    }

    private static void Time(string network, int threads, int batch, int runs, Image[] images, Action<Image[]> run)
    {
        for (int w = 0; w < 2; w++) run(images);
        var wall = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < runs; r++)
        {
            process.Refresh();
            TimeSpan c0 = process.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            run(images);
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            process.Refresh();
            wall.Add(batch / seconds);
            cpu.Add(batch / (process.TotalProcessorTime - c0).TotalSeconds);
        }

        wall.Sort();
        cpu.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"network\": \"{network}\", \"framework\": \"GenderML\", \"threads\": {threads}, \"batch\": {batch}, " +
            $"\"imagesPerSecond\": {wall[wall.Count / 2]:F1}, \"imagesPerCpuSecond\": {cpu[cpu.Count / 2]:F1}, " +
            $"\"runs\": [{string.Join(", ", wall.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))}]}}"));
    }
}
