// Fits GenderML's L-BFGS logistic regression on the exact features benchmarks/linear/logreg_peers.py
// dumped ({split}_X.f32 row-major float32, {split}_y.u8), and prints one JSON line per fit.
// Usage: dotnet run -c Release --project benchmarks/LinearBench -- --features /tmp/logreg50 [--C 1] [--max-iter 500]
//        [--tol 1e-4] [--threads 2] [--repeats 3] [--sweep 0.001,0.01] [--report report.md]
// With --report, the last fit's test-set evaluation is written as Markdown (+ ROC SVG) and printed as JSON.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using GenderML.Core;
using GenderML.Evaluation;
using GenderML.Linear;

var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2) opts[args[i].TrimStart('-')] = args[i + 1];
string dir = opts.GetValueOrDefault("features", "/tmp/logreg50");
double c = double.Parse(opts.GetValueOrDefault("C", "1"), CultureInfo.InvariantCulture);
int maxIter = int.Parse(opts.GetValueOrDefault("max-iter", "500"), CultureInfo.InvariantCulture);
double tol = double.Parse(opts.GetValueOrDefault("tol", "1e-4"), CultureInfo.InvariantCulture);
int threads = int.Parse(opts.GetValueOrDefault("threads", "2"), CultureInfo.InvariantCulture);
int repeats = int.Parse(opts.GetValueOrDefault("repeats", "1"), CultureInfo.InvariantCulture);
var cs = new List<double> { c };
if (opts.TryGetValue("sweep", out var sweep))
    cs.AddRange(sweep.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)));

var (xTrain, yTrain) = Load(dir, "train");
var (xTest, yTest) = Load(dir, "test");
const int d = 2500;

// Warm-up: JIT the kernels on a small slice so the timed fits measure steady-state code.
LogisticRegression.Fit(xTrain.AsMemory(0, 200 * d), 200, d, yTrain.AsSpan(0, 200), new() { MaxIterations = 5 });

foreach (double cValue in cs)
{
    var times = new List<double>();
    var cpu = new List<double>();
    LogisticModel? model = null;
    for (int r = 0; r < repeats; r++)
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        model = LogisticRegression.Fit(xTrain, yTrain.Length, d, yTrain, new LogisticRegressionOptions
        {
            C = cValue, MaxIterations = maxIter, Tolerance = tol, Compute = new ComputeOptions { Threads = threads },
        });
        times.Add(sw.Elapsed.TotalSeconds);
        cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
    }
    var fitAll = times.ToArray();
    times.Sort();
    cpu.Sort();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        ours = "GenderML L-BFGS",
        C = cValue,
        max_iter = maxIter,
        n_iter = model!.Fit!.Iterations,
        evaluations = model.Fit.Evaluations,
        stop = model.Fit.StopReason,
        threads,
        fit_s = times[times.Count / 2],
        fit_all_s = fitAll,
        cpu_s = cpu[cpu.Count / 2],
        train_acc = Accuracy(model, xTrain, yTrain),
        test_acc = Accuracy(model, xTest, yTest),
    }));
    if (opts.TryGetValue("report", out var reportPath))
    {
        var report = Evaluator.Evaluate(yTest, model.PredictProbabilities(xTest));
        EvaluationMarkdown.Write(report, reportPath, $"Logistic regression, 50x50 gray, C = {cValue.ToString(CultureInfo.InvariantCulture)}: test split");
        Console.WriteLine(EvaluationJson.ToJson(report));
        Console.Write(report.Classification.ToString(4));
    }
}

static double Accuracy(LogisticModel model, float[] x, int[] y)
{
    var p = model.PredictProbabilities(x);
    int correct = 0;
    for (int i = 0; i < y.Length; i++) correct += (p[i] > 0.5 ? 1 : 0) == y[i] ? 1 : 0;
    return (double)correct / y.Length;
}

static (float[] X, int[] Y) Load(string dir, string split)
{
    var y = File.ReadAllBytes(Path.Combine(dir, split + "_y.u8")).Select(b => (int)b).ToArray();
    var bytes = File.ReadAllBytes(Path.Combine(dir, split + "_X.f32"));
    var x = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    if (x.Length != y.Length * 2500) throw new InvalidDataException($"{split}: {x.Length} floats for {y.Length} labels");
    return (x, y);
}
