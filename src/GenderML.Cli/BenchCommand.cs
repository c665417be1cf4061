using System.CommandLine;
using System.Globalization;
using System.Text;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml bench engine [--json] [--threads N] [--skip-sgemm] [--face-models DIR]</c>: SGEMM, training throughput
/// of the product's networks (cnn2, cnn3, resnet, the face ResNet's last stage) and their inference throughput, on
/// synthetic data.
/// </summary>
internal static class BenchCommand
{
    private static readonly Option<bool> Json = CliOptions.Json("the figures as one JSON object");
    private static readonly Option<int?> Threads = CliOptions.Threads();
    private static readonly Option<bool> SkipSgemm = CliOptions.Flag("--skip-sgemm", "skip the SGEMM figures");
    private static readonly Option<string> FaceModels = CliOptions.FaceModels();

    public static Command Create()
    {
        var engine = new Command("engine", "SGEMM, training and inference throughput of the product's networks on synthetic data").With(Json, Threads, SkipSgemm, FaceModels);
        engine.SetAction(r => CliApp.Guard(r, Run));
        return new Command("bench", "benchmarks").With(engine);
    }

    private static int Run(ParseResult parse)
    {
        bool json = parse.GetValue(Json);
        bool skipSgemm = parse.GetValue(SkipSgemm);
        int threads = parse.GetValue(Threads) ?? Environment.ProcessorCount;
        string? modelsFolder = parse.GetValue(FaceModels);

        var log = json ? TextWriter.Null : Console.Out;
        int[] gemmThreads = skipSgemm ? [] : threads == Environment.ProcessorCount ? [1, 2] : [threads];
        var sgemm = new List<BenchEngine.SgemmResult>();
        foreach (var (m, n, k) in BenchEngine.SgemmShapes)
            foreach (int t in gemmThreads)
            {
                var r = BenchEngine.Sgemm(m, n, k, t);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sgemm m={m} n={n} k={k} threads={t}: {r.Gflops:F1} GFLOP/s"));
                sgemm.Add(r);
            }
        var train = new List<BenchEngine.TrainResult>();
        long allocated = 0;
        foreach (string network in BenchEngine.Networks)
        {
            var r = BenchEngine.Train(network, threads);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train {network} batch={r.Batch} threads={threads}: {r.ImagesPerSecond:F0} images/s, {r.CpuMillisecondsPerStep:F0} CPU ms per step, {r.AllocatedBytesPerStep} bytes allocated per step"));
            train.Add(r);
            allocated = Math.Max(allocated, r.AllocatedBytesPerStep);
        }
        var infer = new List<BenchEngine.InferResult>();
        foreach (string network in BenchEngine.InferNetworks)
        {
            var r = BenchEngine.InferNetwork(network, threads);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"infer {r.Network} batch={r.Batch} threads={threads}: {r.ImagesPerSecond:F1} images/s, {r.CpuMillisecondsPerBatch:F0} CPU ms per batch"));
            infer.Add(r);
        }
        foreach (int t in threads == Environment.ProcessorCount ? new[] { 1, threads }.Distinct() : [threads])
        {
            var r = BenchEngine.Infer(modelsFolder, t);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"infer {r.Network} batch={r.Batch} threads={t}: {r.ImagesPerSecond:F1} images/s, {r.CpuMillisecondsPerBatch:F0} CPU ms per batch"));
            infer.Add(r);
        }
        if (json) Console.WriteLine(ToJson(sgemm, train, infer, allocated));
        return CliApp.Ok;
    }

    private static string ToJson(List<BenchEngine.SgemmResult> sgemm, List<BenchEngine.TrainResult> train, List<BenchEngine.InferResult> infer, long allocated)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.Append("{\"sgemm\": [");
        for (int i = 0; i < sgemm.Count; i++)
        {
            var r = sgemm[i];
            if (i > 0) sb.Append(", ");
            sb.Append(ci, $"{{\"m\": {r.M}, \"n\": {r.N}, \"k\": {r.K}, \"threads\": {r.Threads}, \"gflops\": {r.Gflops:F2}}}");
        }
        sb.Append("], \"train\": [");
        for (int i = 0; i < train.Count; i++)
        {
            var r = train[i];
            if (i > 0) sb.Append(", ");
            sb.Append(ci, $"{{\"network\": \"{r.Network}\", \"batch\": {r.Batch}, \"threads\": {r.Threads}, \"imagesPerSecond\": {r.ImagesPerSecond:F1}, \"cpuMillisecondsPerStep\": {r.CpuMillisecondsPerStep:F1}}}");
        }
        sb.Append("], \"infer\": [");
        for (int i = 0; i < infer.Count; i++)
        {
            var r = infer[i];
            if (i > 0) sb.Append(", ");
            sb.Append(ci, $"{{\"network\": \"{r.Network}\", \"batch\": {r.Batch}, \"threads\": {r.Threads}, \"imagesPerSecond\": {r.ImagesPerSecond:F1}, \"cpuMillisecondsPerBatch\": {r.CpuMillisecondsPerBatch:F1}}}");
        }
        sb.Append(ci, $"], \"allocatedBytesPerStep\": {allocated}}}");
        return sb.ToString();
    }
}
