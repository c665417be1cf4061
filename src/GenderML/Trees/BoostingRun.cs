namespace GenderML.Trees;

/// <summary>The state of one fit: binned data, raw scores, gradients, and the rounds of boosting.</summary>
internal sealed class BoostingRun(
    FeatureMatrix x, bool[] y, GradientBoostingOptions options, FeatureMatrix? vx, bool[]? vy,
    IProgress<GradientBoostingProgress>? progress, CancellationToken ct)
{
    /// <summary>Smallest validation-loss improvement that counts for early stopping.</summary>
    private const double Tolerance = 1e-7;

    public GradientBoostedTrees Run(int positives)
    {
        int n = x.Rows, d = x.Columns;
        var mapper = BinMapper.Fit(x, options.MaxBins, options.Seed, options.Compute);
        var data = BinnedData.Create(x, mapper, options.Compute);
        var valid = vx is null ? null : BinnedData.Create(vx, mapper, options.Compute);

        double p0 = (double)positives / n;
        double baseScore = Math.Log(p0 / (1 - p0));
        var raw = new double[n];
        Array.Fill(raw, baseScore);
        var rawValid = new double[valid?.Rows ?? 0];
        Array.Fill(rawValid, baseScore);
        var g = new float[n];
        var h = new float[n];
        var importance = new double[d];
        var trees = new List<RegressionTree>();
        var grower = new TreeGrower(data, options);
        var rng = new SplitMix64((ulong)(uint)options.Seed * 0x9E3779B97F4A7C15UL + 1);
        int[] allFeatures = Enumerable.Range(0, d).ToArray();
        double bestLoss = double.PositiveInfinity;
        int bestTrees = 0;
        var importanceAtBest = new double[d];

        for (int t = 0; t < options.Trees; t++)
        {
            ct.ThrowIfCancellationRequested();
            Gradients(raw, y, g, h);
            int[]? sample = options.RowSubsample < 1
                ? Sampling.Choose(n, Math.Clamp((int)Math.Round(options.RowSubsample * n), 1, n), rng) : null;
            int[] features = options.FeatureSubsample < 1
                ? Sampling.Choose(d, Math.Clamp((int)Math.Round(options.FeatureSubsample * d), 1, d), rng) : allFeatures;
            var tree = grower.Grow(g, h, sample, features, importance, ct);
            for (int k = 0; k < tree.Feature.Length; k++)
                tree.Threshold[k] = mapper.Thresholds[tree.Feature[k]][tree.Bin[k]];
            trees.Add(tree);
            for (int r = 0; r < n; r++) raw[r] += tree.PredictBinned(data, r);
            double? validLoss = null;
            if (valid is not null)
            {
                for (int r = 0; r < valid.Rows; r++) rawValid[r] += tree.PredictBinned(valid, r);
                validLoss = LogLoss(rawValid, vy!);
            }
            progress?.Report(new GradientBoostingProgress(t + 1, LogLoss(raw, y), validLoss));
            if (validLoss is { } loss && options.EarlyStoppingRounds > 0)
            {
                if (loss < bestLoss - Tolerance)
                {
                    bestLoss = loss;
                    bestTrees = t + 1;
                    Array.Copy(importance, importanceAtBest, d);
                }
                else if (t + 1 - bestTrees >= options.EarlyStoppingRounds)
                {
                    break;
                }
            }
        }
        if (valid is not null && options.EarlyStoppingRounds > 0 && bestTrees < trees.Count)
        {
            trees.RemoveRange(bestTrees, trees.Count - bestTrees);
            importance = importanceAtBest;
        }
        return new GradientBoostedTrees(d, baseScore, [.. trees], importance);
    }

    /// <summary>g = σ(F) − y, h = σ(F)(1 − σ(F)).</summary>
    internal static void Gradients(double[] raw, bool[] y, float[] g, float[] h)
    {
        for (int i = 0; i < raw.Length; i++)
        {
            double p = 1 / (1 + Math.Exp(-raw[i]));
            g[i] = (float)(p - (y[i] ? 1 : 0));
            h[i] = (float)(p * (1 - p));
        }
    }

    /// <summary>Mean of log(1 + e^F) − y·F, computed without overflow.</summary>
    internal static double LogLoss(double[] raw, bool[] y)
    {
        double sum = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            double f = raw[i];
            double softplus = f > 0 ? f + Math.Log(1 + Math.Exp(-f)) : Math.Log(1 + Math.Exp(f));
            sum += softplus - (y[i] ? f : 0);
        }
        return raw.Length == 0 ? 0 : sum / raw.Length;
    }
}
