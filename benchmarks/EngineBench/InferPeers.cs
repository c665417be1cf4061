using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using GenderML.Core;

/// <summary>
/// Ours against ONNX Runtime on one network, thread count and batch: both warmed up, then rounds that alternate
/// (ours, ORT, ours, ORT…), each round a few batches; per engine the median over rounds of the wall time and of the
/// process CPU time per batch (CPU time is the primary measure on a shared machine).
/// </summary>
internal static class InferPeers
{
    public sealed record Result(string Network, int Threads, int Batch, bool Spinning, double OursWall, double OursCpu,
        double OrtWall, double OrtCpu, double MaxDifference);

    public static Result Run(BenchNetwork net, int threads, int batch, int rounds, bool spinning)
    {
        var random = new Random(7);
        var raw = new Tensor(batch, net.Channels, net.Side, net.Side);
        for (int i = 0; i < raw.Length; i++) raw.Data[i] = random.Next(256);
        var normalized = new Tensor(batch, net.Channels, net.Side, net.Side);
        var forward = net.Ours(threads);
        Tensor? ours = null;
        void Ours()
        {
            net.Normalize(raw, normalized);
            ours = forward(normalized);
        }
        using var ort = new OrtPeer(net.Onnx, threads, batch, raw.Data, [batch, net.Channels, net.Side, net.Side], spinning);
        // Warm-up until the JIT has tiered our code up: ≥ 50 calls, and no method compiled during the last 0.5 CPU-s of
        // them (at most 10 CPU-s). A fixed 0.5 CPU-s left the JIT's background thread recompiling into the first rounds
        // on a loaded machine, counted in our process CPU (docs/BENCHMARKS.md, session 13).
        double warm0 = CpuClock.ProcessSeconds(), quiet0 = warm0;
        long compiled = JitInfo.GetCompiledMethodCount();
        for (int i = 0; ; i++)
        {
            Ours();
            double now = CpuClock.ProcessSeconds();
            if (JitInfo.GetCompiledMethodCount() is var count && count != compiled) (compiled, quiet0) = (count, now);
            if ((i >= 50 && now - quiet0 >= 0.5) || now - warm0 >= 10) break;
        }
        for (int i = 0; i < 2; i++) ort.Run();
        double diff = MaxDifference(ours!.Data, ort.Output(0));
        // Batches per round: about 0.3 s of CPU time each, from one timed batch of ours.
        double once = Time(Ours, 1).Cpu;
        int reps = Math.Clamp((int)Math.Ceiling(0.3 / Math.Max(once, 1e-4)), 1, 200);
        var oursWall = new List<double>();
        var oursCpu = new List<double>();
        var ortWall = new List<double>();
        var ortCpu = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var a = Time(Ours, reps);
            oursWall.Add(a.Wall);
            oursCpu.Add(a.Cpu);
            var b = Time(ort.Run, reps);
            ortWall.Add(b.Wall);
            ortCpu.Add(b.Cpu);
        }
        return new Result(net.Name, threads, batch, spinning, Median(oursWall), Median(oursCpu), Median(ortWall), Median(ortCpu), diff);
    }

    /// <summary>Wall and process CPU seconds per call, over <paramref name="reps"/> calls.</summary>
    private static (double Wall, double Cpu) Time(Action action, int reps)
    {
        double cpu0 = CpuClock.ProcessSeconds();
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < reps; i++) action();
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        return (wall / reps, (CpuClock.ProcessSeconds() - cpu0) / reps);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return a.Length == b.Length ? max : double.NaN;
    }

    public static string Json(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"network\": \"{r.Network}\", \"threads\": {r.Threads}, \"batch\": {r.Batch}, \"ortSpinning\": {(r.Spinning ? "true" : "false")}, " +
        $"\"ours\": {{\"imagesPerSecond\": {r.Batch / r.OursWall:F1}, \"imagesPerCpuSecond\": {r.Batch / r.OursCpu:F1}}}, " +
        $"\"ort\": {{\"imagesPerSecond\": {r.Batch / r.OrtWall:F1}, \"imagesPerCpuSecond\": {r.Batch / r.OrtCpu:F1}}}, " +
        $"\"ratioWall\": {r.OrtWall / r.OursWall:F2}, \"ratioCpu\": {r.OrtCpu / r.OursCpu:F2}, \"maxDifference\": {r.MaxDifference:G3}}}");

    public static string Row(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Network} | {r.Threads} | {r.Batch} | {r.Batch / r.OursCpu:F1} | {r.Batch / r.OrtCpu:F1} | **{r.OrtCpu / r.OursCpu:F2}×** | " +
        $"{r.Batch / r.OursWall:F1} | {r.Batch / r.OrtWall:F1} | {r.OrtWall / r.OursWall:F2}× |");
}
