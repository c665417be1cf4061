using GenderML.Core;
using GenderML.Core.Layers;

/// <summary>
/// Whether time goes between the layers, one image on one thread: in one process, the median calling-thread CPU time
/// per image (runs of 10 images) of the backbone's forward pass, of the same network as <see cref="LayerProfile"/>'s
/// steps chained with no timer between them, and of the whole net as <c>infer</c> times it (with its head). When
/// the three agree, what <c>profile</c>'s per-step sum leaves out is not work between the layers but the timing itself.
/// Also the whole net's mean process CPU time per image (as <c>infer</c> measures), what it allocates, and its time per
/// image right after ORT's rounds against after its own.
/// </summary>
internal static class ChainProbe
{
    public static void Run(BenchNetwork net, int runs)
    {
        var random = new Random(7);
        var raw = new Tensor(1, net.Channels, net.Side, net.Side);
        for (int i = 0; i < raw.Length; i++) raw.Data[i] = random.Next(256);
        var x = new Tensor(1, net.Channels, net.Side, net.Side);
        net.Normalize(raw, x);
        var backbone = net.Layers(1);
        var steps = LayerProfile.Leaves(net.Layers(1));
        var whole = net.Ours(1);
        double Median(Action forward)
        {
            var us = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                double c0 = CpuClock.ThreadSeconds();
                for (int k = 0; k < 10; k++) forward();
                us.Add((CpuClock.ThreadSeconds() - c0) * 1e5);
            }
            us.Sort();
            return us[us.Count / 2];
        }
        Console.WriteLine($"{net.Name}, 1 image, 1 thread, median of {runs} runs of 10 (thread CPU µs per image)");
        for (int round = 0; round < 3; round++)
        {
            double a = Median(() => backbone.Forward(x));
            double b = Median(() =>
            {
                var t = x;
                foreach (var step in steps) t = step.Forward(t);
            });
            double c = Median(() => whole(x));
            // As infer times it: process CPU time over a batch of calls (every thread, outliers included).
            long bytes0 = GC.GetAllocatedBytesForCurrentThread();
            int gcs0 = GC.CollectionCount(0);
            double p0 = CpuClock.ProcessSeconds(), t0 = CpuClock.ThreadSeconds();
            for (int k = 0; k < 10 * runs; k++) whole(x);
            double p = (CpuClock.ProcessSeconds() - p0) * 1e5 / runs, t = (CpuClock.ThreadSeconds() - t0) * 1e5 / runs;
            long bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"backbone {a:F1} | profile's steps, untimed {b:F1} | whole net {c:F1}; its mean: thread {t:F1}, process {p:F1}; {(double)bytes / (10 * runs):F0} bytes allocated per image, {GC.CollectionCount(0) - gcs0} GCs"));
        }
        using var ort = new OrtPeer(net.Onnx, 1, 1, raw.Data, [1, net.Channels, net.Side, net.Side], spinning: false);
        // Rounds of 300 images after 300 of ORT's (as infer alternates) or of its own: thread CPU per image by position
        // in the round (images 0–9, 10–99, 100–299).
        var sums = new double[2, 3];
        for (int round = 0; round < 20; round++)
        {
            bool afterOrt = round % 2 == 0;
            if (afterOrt) for (int k = 0; k < 300; k++) ort.Run();
            else for (int k = 0; k < 300; k++) whole(x);
            for (int k = 0; k < 300; k++)
            {
                double c0 = CpuClock.ThreadSeconds();
                whole(x);
                sums[afterOrt ? 0 : 1, k < 10 ? 0 : k < 100 ? 1 : 2] += CpuClock.ThreadSeconds() - c0;
            }
        }
        for (int w = 0; w < 2; w++)
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"whole net after 300 of {(w == 0 ? "ORT's" : "its own")}: images 0–9 {sums[w, 0] / 100 * 1e6:F1}, 10–99 {sums[w, 1] / 900 * 1e6:F1}, 100–299 {sums[w, 2] / 2000 * 1e6:F1} µs each"));
    }
}
