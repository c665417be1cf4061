// Frozen face-ResNet features + logistic regression, variant by variant, on the shared data (docs/BENCHMARKS-finetune.md).
// Usage: FrozenVariantsBench --data DIR --cache DIR --models DIR
// Reads (or computes into) the fine-tuning prefix cache with canonical crops (margin 0.1) for train, test and test
// reframed ×0.7, plain and mirrored; runs the pretrained last stage to the 256 pooled features and the 128-d
// descriptor; fits L-BFGS logistic regression (C of best log-loss on the trainer's stratified 10% split, seed 1) per
// variant and prints test accuracy plain and reframed.
using GenderML;
using GenderML.Core;
using GenderML.Data;
using GenderML.FaceApi;
using GenderML.Linear;
using GenderML.Transfer;

string data = "", cache = "", models = "";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data": data = args[++i]; break;
        case "--cache": cache = args[++i]; break;
        case "--models": models = args[++i]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 1;
    }
}
var all = Dataset.Load(data, GenderLabels.Options);
var split = all.Subset(SplitNames.Train).SplitStratified(new SplitFractions(0.9, 0.1, 0), 1);
var weights = TfjsWeights.Load(models, "face_recognition_model");
var runner = new PrefixRunner(models, weights, 0.1, Environment.ProcessorCount);
var net = FineTuneNetwork.Pretrained(weights);
net.SetCompute(Environment.ProcessorCount);
var fc = weights.Get("fc", 256, 128).Floats!;
var tr = Feats(split.Subset(SplitNames.Train), null);
var va = Feats(split.Subset(SplitNames.Validation), null);
var te = Feats(all.Subset(SplitNames.Test), null);
var t7 = Feats(all.Subset(SplitNames.Test), 0.7);
int[] y2 = [.. tr.Y, .. tr.Y];
Run("desc128 (today's transfer)", 128, tr.D, tr.Y, va.D, te.D, t7.D);
Run("desc128, mirror rows in training, test mean logit", 128, [.. tr.D, .. tr.DM], y2, va.D, te.D, t7.D, va.DM, te.DM, t7.DM);
Run("desc128 averaged with the mirror's", 128, Avg(tr.D, tr.DM), tr.Y, Avg(va.D, va.DM), Avg(te.D, te.DM), Avg(t7.D, t7.DM));
Run("desc128 concatenated with the mirror's", 256, Cat(tr.D, tr.DM, 128), tr.Y, Cat(va.D, va.DM, 128), Cat(te.D, te.DM, 128), Cat(t7.D, t7.DM, 128));
Run("pooled256", 256, tr.P, tr.Y, va.P, te.P, t7.P);
Run("pooled256 averaged with the mirror's", 256, Avg(tr.P, tr.PM), tr.Y, Avg(va.P, va.PM), Avg(te.P, te.PM), Avg(t7.P, t7.PM));
Run("pooled256, mirror rows in training, test mean logit", 256, [.. tr.P, .. tr.PM], y2, va.P, te.P, t7.P, va.PM, te.PM, t7.PM);
return 0;

(float[] P, float[] PM, float[] D, float[] DM, int[] Y) Feats(Dataset d, double? reframe)
{
    var errors = new string?[d.Items.Count];
    var (p, m) = runner.RunFiles([.. d.Items.Select(i => i.Path)], cache, reframe, true, errors, out _, CancellationToken.None);
    var ok = Enumerable.Range(0, p.Length).Where(i => errors[i] is null).ToArray();
    var pp = net.PooledFeatures([.. ok.Select(i => p[i]!)]);
    var pm = net.PooledFeatures([.. ok.Select(i => m![i]!)]);
    return (pp, pm, Desc(pp), Desc(pm), [.. ok.Select(i => d.Items[i].Label)]);
}

float[] Desc(float[] pooled)
{
    int n = pooled.Length / 256;
    var d = new float[n * 128];
    GenderML.Core.Kernels.Gemm.Multiply(false, false, n, 128, 256, pooled, 256, fc, 128, d, 128, false, new ComputeOptions { Threads = Environment.ProcessorCount });
    return d;
}

static float[] Avg(float[] a, float[] b) => [.. a.Zip(b, (u, v) => 0.5f * (u + v))];

static float[] Cat(float[] a, float[] b, int d)
{
    int n = a.Length / d;
    var r = new float[n * 2 * d];
    for (int i = 0; i < n; i++)
    {
        a.AsSpan(i * d, d).CopyTo(r.AsSpan(2 * i * d));
        b.AsSpan(i * d, d).CopyTo(r.AsSpan(2 * i * d + d));
    }
    return r;
}

void Run(string name, int d, float[] xtr, int[] ytr, float[] xva, float[] xte, float[] xte7, float[]? xvaAlt = null, float[]? xteAlt = null, float[]? xte7Alt = null)
{
    var (mean, std) = TransferTrainer.Standardisation(xtr, ytr.Length, d);
    float[] S(float[] x) => [.. x.Select((v, i) => (v - mean[i % d]) / std[i % d])];
    float[]? SA(float[]? x) => x is null ? null : S(x);
    var xs = S(xtr);
    LogisticModel? best = null;
    double bestLoss = double.MaxValue, bestC = 0;
    foreach (double c in new[] { 0.01, 0.1, 1.0 })
    {
        var m = LogisticRegression.Fit(xs, ytr.Length, d, ytr, new LogisticRegressionOptions { C = c, Compute = new ComputeOptions { Threads = Environment.ProcessorCount } });
        double loss = LogLoss(Prob(m, S(xva), d, SA(xvaAlt)), va.Y);
        if (loss < bestLoss) (best, bestLoss, bestC) = (m, loss, c);
    }
    Console.WriteLine($"{name}: C={bestC}, validation log-loss {bestLoss:F4}; test {Acc(Prob(best!, S(xte), d, SA(xteAlt)), te.Y):P2}; reframe 0.7 {Acc(Prob(best!, S(xte7), d, SA(xte7Alt)), t7.Y):P2}");
}

static float[] Prob(LogisticModel m, float[] x, int d, float[]? alt)
{
    int n = x.Length / d;
    var p = new float[n];
    for (int i = 0; i < n; i++)
    {
        double z = m.DecisionFunction(x.AsSpan(i * d, d));
        if (alt is not null) z = 0.5 * (z + m.DecisionFunction(alt.AsSpan(i * d, d)));
        p[i] = (float)(1 / (1 + Math.Exp(-z)));
    }
    return p;
}

static double Acc(float[] p, int[] y) => Enumerable.Range(0, y.Length).Count(i => (p[i] >= 0.5f) == (y[i] == 1)) / (double)y.Length;

static double LogLoss(float[] p, int[] y) => -Enumerable.Range(0, y.Length).Average(i => Math.Log(Math.Clamp(y[i] == 1 ? p[i] : 1 - p[i], 1e-12, 1)));
