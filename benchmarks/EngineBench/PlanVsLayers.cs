using System.Globalization;
using GenderML.Core;
using GenderML.Core.Layers;

/// <summary>
/// A network the product runs as a <see cref="ChannelBlockedPlan"/> (the age/gender backbone) against its own plain
/// layers, one image, alternated in one process: thread CPU µs per image, median and fastest of the samples. The
/// in-process comparison of a change to the plan (the host's speed swings too much between processes).
/// </summary>
internal static class PlanVsLayers
{
    public static void Run(BenchNetwork net, int threads, int samples)
    {
        var layers = net.Layers(threads);
        var plan = ChannelBlockedPlan.TryCreate(layers, net.Channels, net.Side, net.Side)
            ?? throw new InvalidOperationException($"{net.Name} has no channel-blocked plan on this machine");
        var random = new Random(7);
        var raw = new Tensor(1, net.Channels, net.Side, net.Side);
        for (int i = 0; i < raw.Length; i++) raw.Data[i] = random.Next(256);
        var x = new Tensor(1, net.Channels, net.Side, net.Side);
        net.Normalize(raw, x);
        float[] planned = plan.Forward(x).Data.ToArray(), plain = layers.Forward(x).Data;
        double largest = plain.Max(v => Math.Abs((double)v)), worst = 0;
        for (int i = 0; i < plain.Length; i++) worst = Math.Max(worst, Math.Abs((double)planned[i] - plain[i]));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"largest difference plan − layers: {worst:G3} (largest output {largest:G3})"));
        for (int i = 0; i < 300; i++)
        {
            plan.Forward(x);
            layers.Forward(x);
        }
        var planUs = new List<double>();
        var layersUs = new List<double>();
        const int perSample = 50;
        for (int s = 0; s < samples; s++)
        {
            double c0 = CpuClock.ThreadSeconds();
            for (int i = 0; i < perSample; i++) plan.Forward(x);
            planUs.Add((CpuClock.ThreadSeconds() - c0) / perSample * 1e6);
            c0 = CpuClock.ThreadSeconds();
            for (int i = 0; i < perSample; i++) layers.Forward(x);
            layersUs.Add((CpuClock.ThreadSeconds() - c0) / perSample * 1e6);
        }
        planUs.Sort();
        layersUs.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{net.Name}, 1 image, {threads} thread(s), {samples} samples of {perSample}: plan median {planUs[samples / 2]:F1} best {planUs[0]:F1} µs | layers median {layersUs[samples / 2]:F1} best {layersUs[0]:F1} µs"));
    }
}
