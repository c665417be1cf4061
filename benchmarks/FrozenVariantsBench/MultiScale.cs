using GenderML;
using GenderML.Core;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Linear;
using GenderML.Transfer;

/// <summary>
/// <c>--images</c> mode: frozen face-ResNet features read out at several depths, computed from the image files with the
/// product's canonical framing (tiny detector 160 px, margin 0), plain and mirrored, for train, test and test reframed
/// ×0.7. Per image: the spatial means of conv32_3 (32), conv64_3 (64), conv128_2 (128), conv256_2 (256) and the final
/// map (256, the descriptor's input). Features are kept in FEATURES.bin so later runs only fit.
/// </summary>
internal static class MultiScale
{
    private static readonly string[] Taps = ["conv32_3", "conv64_3", "conv128_2", "conv256_2", "conv256_down_out"];
    private static readonly int[] Widths = [32, 64, 128, 256, 256];
    private const int Width = 736;
    private static readonly double[] Grid = [0.001, 0.003, 0.01, 0.03, 0.1];

    public static void Run(string data, string models, string featureFile)
    {
        var all = Dataset.Load(data, GenderLabels.Options);
        var split = all.Subset(SplitNames.Train).SplitStratified(new SplitFractions(0.9, 0.1, 0), 1);
        var parts = new (string Name, Dataset Set, double? Reframe)[]
        {
            ("train", split.Subset(SplitNames.Train), null), ("validation", split.Subset(SplitNames.Validation), null),
            ("test", all.Subset(SplitNames.Test), null), ("test-reframed", all.Subset(SplitNames.Test), 0.7),
        };
        var feats = new Dictionary<string, (float[] Plain, float[] Mirror, int[] Y)>();
        if (File.Exists(featureFile))
        {
            using var r = new BinaryReader(File.OpenRead(featureFile));
            foreach (var p in parts)
            {
                int n = r.ReadInt32();
                feats[p.Name] = (ReadFloats(r, n * Width), ReadFloats(r, n * Width), [.. Enumerable.Range(0, n).Select(_ => r.ReadInt32())]);
            }
        }
        else
        {
            int threads = Environment.ProcessorCount;
            var framing = new CanonicalFraming(models, 0, threads, detectorSize: GenderML.FaceFraming.LegacyDetectorSize);
            var net = FaceRecognitionNet.Load(FaceModelsFolder.Options(models, threads));
            foreach (var p in parts)
            {
                var t0 = DateTime.UtcNow;
                var paths = p.Set.Items.Select(i => i.Path).ToList();
                var errors = new string?[paths.Count];
                var images = FileImages.Load(paths, [.. Enumerable.Range(0, paths.Count)], p.Reframe is { } f ? new InputDistortion(f, null) : null, errors, new ParallelOptions { MaxDegreeOfParallelism = threads });
                int noFace = 0;
                var frames = framing.Frame([.. images.Select(i => i!)], ref noFace).Select(f => f!).ToList();
                feats[p.Name] = (Features(net, frames), Features(net, [.. frames.Select(f => f.FlipHorizontal())]), [.. p.Set.Items.Select(i => i.Label)]);
                Console.Error.WriteLine($"{p.Name}: {paths.Count} images, no face in {noFace}, {(DateTime.UtcNow - t0).TotalSeconds:F0} s");
            }
            using var w = new BinaryWriter(File.Create(featureFile));
            foreach (var p in parts)
            {
                var (a, b, y) = feats[p.Name];
                w.Write(y.Length);
                foreach (float v in a) w.Write(v);
                foreach (float v in b) w.Write(v);
                foreach (int v in y) w.Write(v);
            }
        }

        // Column ranges of each read-out inside the 736 floats.
        var cols = new Dictionary<string, (int Start, int Length)> { ["g32"] = (0, 32), ["g64"] = (32, 64), ["g128"] = (96, 128), ["g256b"] = (224, 256), ["p"] = (480, 256) };
        string[][] sets = Environment.GetEnvironmentVariable("MS_SETS") is { } only
            ? [.. only.Split(';').Select(x => x.Split('+'))]
            : [["p"], ["p", "g128"], ["p", "g128", "g64"], ["p", "g128", "g64", "g32"], ["p", "g256b", "g128", "g64", "g32"], ["p", "g256b", "g128"]];
        foreach (var set in sets)
        {
            float[] Pick(float[] x) => Select(x, [.. set.Select(s => cols[s])]);
            int d = set.Sum(s => cols[s].Length);
            var (trP, trM, trY) = feats["train"];
            var (vaP, vaM, vaY) = feats["validation"];
            var (teP, teM, teY) = feats["test"];
            var (t7P, t7M, _) = feats["test-reframed"];
            string name = string.Join("+", set);
            Fit(name + " (plain)", d, Grid, Pick(trP), trY, Pick(vaP), vaY, Pick(teP), teY, Pick(t7P), null, null, null);
            Fit(name + " (mirror rows + test mean logit)", d, Grid, [.. Pick(trP), .. Pick(trM)], [.. trY, .. trY], Pick(vaP), vaY, Pick(teP), teY, Pick(t7P), Pick(vaM), Pick(teM), Pick(t7M));
            Fit(name + " (plain rows, test mean logit with the mirror)", d, Grid, Pick(trP), trY, Pick(vaP), vaY, Pick(teP), teY, Pick(t7P), Pick(vaM), Pick(teM), Pick(t7M));
            Fit(name + " (features averaged with the mirror's, train and test)", d, Grid, Avg(Pick(trP), Pick(trM)), trY, Avg(Pick(vaP), Pick(vaM)), vaY, Avg(Pick(teP), Pick(teM)), teY, Avg(Pick(t7P), Pick(t7M)), null, null, null);
        }
    }

    private static float[] Features(FaceRecognitionNet net, IReadOnlyList<Image> frames)
    {
        var f = new float[frames.Count * Width];
        int[] filled = new int[Taps.Length];
        net.Run(frames, (_, _) => { }, (name, t) =>
        {
            int k = Array.IndexOf(Taps, name);
            if (k < 0) return;
            int n = t.Shape[0], c = t.Shape[1], hw = t.Shape[2] * t.Shape[3], offset = Widths.Take(k).Sum();
            for (int i = 0; i < n; i++)
                for (int ch = 0; ch < c; ch++)
                {
                    double s = 0;
                    var span = t.Data.AsSpan((i * c + ch) * hw, hw);
                    foreach (float v in span) s += v;
                    f[(filled[k] + i) * Width + offset + ch] = (float)(s / hw);
                }
            filled[k] += n;
        });
        return f;
    }

    private static float[] Avg(float[] a, float[] b) => [.. a.Zip(b, (u, v) => 0.5f * (u + v))];

    private static float[] Select(float[] x, (int Start, int Length)[] ranges)
    {
        int n = x.Length / Width, d = ranges.Sum(r => r.Length);
        var r = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            int o = 0;
            foreach (var (s, l) in ranges) { x.AsSpan(i * Width + s, l).CopyTo(r.AsSpan(i * d + o)); o += l; }
        }
        return r;
    }

    /// <summary>
    /// Standardises on the training rows, fits L-BFGS logistic regression for each C, keeps the C of best validation
    /// log-loss and prints its test accuracy plain and reframed; the *Alt rows (mirrors), when given, are averaged in logit.
    /// </summary>
    internal static void Fit(string name, int d, double[] cs, float[] xtr, int[] ytr, float[] xva, int[] yva, float[] xte, int[] yte, float[] xte7, float[]? vaAlt, float[]? teAlt, float[]? te7Alt)
    {
        var (mean, std) = TransferTrainer.Standardisation(xtr, ytr.Length, d);
        float[] S(float[] x) => [.. x.Select((v, i) => (v - mean[i % d]) / std[i % d])];
        float[]? SA(float[]? x) => x is null ? null : S(x);
        var xs = S(xtr);
        LogisticModel? best = null;
        double bestLoss = double.MaxValue, bestC = 0;
        foreach (double c in cs)
        {
            var m = LogisticRegression.Fit(xs, ytr.Length, d, ytr, new LogisticRegressionOptions { C = c, Compute = new ComputeOptions { Threads = Environment.ProcessorCount } });
            double loss = LogLoss(Prob(m, S(xva), d, SA(vaAlt)), yva);
            if (loss < bestLoss) (best, bestLoss, bestC) = (m, loss, c);
        }
        Console.WriteLine($"{name} [{d}]: C={bestC}, validation log-loss {bestLoss:F4}; test {Acc(Prob(best!, S(xte), d, SA(teAlt)), yte):P2}; reframe 0.7 {Acc(Prob(best!, S(xte7), d, SA(te7Alt)), yte):P2}");
    }

    private static float[] Prob(LogisticModel m, float[] x, int d, float[]? alt)
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

    private static double Acc(float[] p, int[] y) => Enumerable.Range(0, y.Length).Count(i => (p[i] >= 0.5f) == (y[i] == 1)) / (double)y.Length;

    private static double LogLoss(float[] p, int[] y) => -Enumerable.Range(0, y.Length).Average(i => Math.Log(Math.Clamp(y[i] == 1 ? p[i] : 1 - p[i], 1e-12, 1)));

    private static float[] ReadFloats(BinaryReader r, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.ReadSingle();
        return a;
    }
}
