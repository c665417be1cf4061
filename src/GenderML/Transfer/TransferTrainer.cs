using System.Diagnostics;
using System.Globalization;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Linear;
using GenderML.Training;

namespace GenderML.Transfer;

/// <summary>Fits a <see cref="TransferRecipe"/> without fine-tuning: cached embeddings, standardisation, then the logistic head with the C of best validation log-loss.</summary>
internal static class TransferTrainer
{
    public static TrainingResult Fit(TransferRecipe recipe, Dataset train, Dataset? validation, TrainingOptions o, CancellationToken cancellation,
        IProgress<TrainingProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        string? folder = recipe.ModelsFolder;
        var b = recipe.Backbone;
        var framing = recipe.Framing(o.Threads);
        var files = FaceModelsFolder.Hashes(folder, Embedder.WeightFiles(FaceNetClassifier.UsesResNet(b), FaceNetClassifier.UsesAgeGender(b), framing));
        var r = recipe.EffectiveResNetFeatures;
        // Training reads the images as they are; the mirror average (recipe.EffectiveMirror) is for prediction only.
        var embedder = recipe.TrainingEmbedder(framing, o.Threads);
        string cacheFolder = o.CacheFolder ?? PixelCacheOptions.DefaultFolder();
        var skipped = train.Skipped.Concat(validation?.Skipped ?? []).DistinctBy(s => s.Path, StringComparer.Ordinal).ToList();

        var (x, y, _, trainStats) = Embed(embedder, train, b, r, cacheFolder, skipped, cancellation, progress, o.Notes);
        if (y.Count(l => l == 0) == 0 || y.Count(l => l == 1) == 0)
            throw new ArgumentException("training needs images of both classes", nameof(train));
        var (xv, yv, agesV, validationStats) = validation is { Items.Count: > 0 } ? Embed(embedder, validation, b, r, cacheFolder, skipped, cancellation, progress, o.Notes) : ([], [], [], null);
        // How the cache served this run is a fact of the run, not of the model: it goes to the notes, never into the
        // saved options, so the same recipe and seed write the same bytes with a cold or a warm cache.
        o.Notes?.Invoke("training " + trainStats.Note("embeddings", framing is not null));
        if (validationStats is not null) o.Notes?.Invoke("validation " + validationStats.Note("embeddings", framing is not null));
        int d = FaceNetClassifier.FeatureLength(b, r), n = y.Length, nv = yv.Length;
        string readout = Readout(b, r, d, recipe.EffectiveMirror);
        var (mean, std) = Standardisation(x, n, d);
        Standardise(x, mean, std);
        Standardise(xv, mean, std);
        string hygiene = "";
        if (recipe.ExcludeSuspects) (x, y, n, hygiene) = SuspectExclusion.Apply(x, y, d, o.Seed, o.Threads, cancellation);

        if (recipe.Head == TransferHead.Mlp)
        {
            var mlp = MlpHead.Fit(x, y, d, xv, yv, o.Seed, o.Threads, out var run, cancellation, progress);
            var pm = new float[nv];
            for (int i = 0; i < nv; i++) pm[i] = (float)mlp.Probability(xv.AsSpan(i * d, d));
            var mlpReport = nv > 0 ? Evaluator.Evaluate(yv, pm) : null;
            var mlpInfo = new ClassifierInfo
            {
                Kind = recipe.Kind,
                Architecture = string.Create(CultureInfo.InvariantCulture, $"{readout}, standardised, MLP {d}→{MlpHead.Hidden}→1 (ReLU, Adam)"),
                Preprocessing = FaceNetClassifier.Preprocessing(b),
                Training = new TrainingSummary(run.EpochsRun, run.BestEpoch, clock.Elapsed.TotalSeconds, n, nv, o.Seed, "", string.Create(CultureInfo.InvariantCulture,
                    $"backbone={b}; head=mlp; detectFaces={framing?.Photos == true}")),
                Metrics = mlpReport is null ? new Dictionary<string, double>() : Trainer.MetricsOf(mlpReport),
            };
            return new TrainingResult(new FaceNetClassifier(mlpInfo, b, framing, folder, files, mean, std, null, o.Threads, mlp, mirror: recipe.EffectiveMirror, resnetFeatures: r), mlpReport, skipped);
        }

        if (recipe.Head == TransferHead.Gbdt)
        {
            var boosting = recipe.Boosting with { Seed = o.Seed, Compute = new ComputeOptions { Threads = o.Threads } };
            var trees = Heads.TreeHead.Fit(Trees.FeatureMatrix.FromFloats(x, d), y, nv > 0 ? Trees.FeatureMatrix.FromFloats(xv, d) : null, yv,
                boosting, progress, cancellation);
            var pt = new float[nv];
            for (int i = 0; i < nv; i++) pt[i] = trees.PredictProbability(xv.AsSpan(i * d, d));
            var treeReport = nv > 0 ? Evaluator.Evaluate(yv, pt) : null;
            var treeInfo = new ClassifierInfo
            {
                Kind = recipe.Kind,
                Architecture = string.Create(CultureInfo.InvariantCulture,
                    $"{readout}, gradient-boosted trees: {trees.TreeCount} trees × ≤ {boosting.Leaves} leaves, learning rate {boosting.LearningRate}"),
                Preprocessing = FaceNetClassifier.Preprocessing(b),
                Training = new TrainingSummary(trees.TreeCount, trees.TreeCount, clock.Elapsed.TotalSeconds, n, nv, o.Seed, "", string.Create(CultureInfo.InvariantCulture,
                    $"backbone={b}; head=gbdt; {boosting}; canonicalMargin={Margin(framing)}")),
                Metrics = treeReport is null ? new Dictionary<string, double>() : Trainer.MetricsOf(treeReport),
            };
            return new TrainingResult(new FaceNetClassifier(treeInfo, b, framing, folder, files, mean, std, null, o.Threads, trees: trees, mirror: recipe.EffectiveMirror, resnetFeatures: r), treeReport, skipped);
        }

        bool anchored = recipe.Head == TransferHead.Anchored;
        string architecture;
        if (anchored && b != TransferBackbone.Fusion)
            throw new ArgumentException($"the anchored head reads the shipped gender logit of the Fusion backbone, not {b}", nameof(recipe));
        var cs = anchored ? nv > 0 ? recipe.AnchorPenalties : [recipe.AnchorPenalties[0]]
            : nv > 0 ? recipe.CValues : [recipe.CValues[recipe.CValues.Count / 2]];
        LogisticModel best;
        double bestC;
        string headNote;
        if (anchored)
        {
            var pick = AnchoredHead.FitBest(x, y, d, mean, std, recipe.AnchorPenalties, recipe.Distillations, o.Threads,
                nv > 0 ? m => (AnchoredHead.WorstGroupLoss(m, xv, yv, agesV, d, mean, std), Heads.LogisticHead.LogLoss(m, xv, yv, d)) : null, cancellation);
            (best, bestC) = (pick.Model, pick.Penalty);
            var alphas = nv > 0 ? recipe.Distillations : [recipe.Distillations[0]];
            headNote = string.Create(CultureInfo.InvariantCulture,
                $"head=anchored; penalty={bestC} (of {string.Join(",", cs)}); distillation={pick.Distillation} (of {string.Join(",", alphas)}); teacher temperature={1 / pick.TeacherScale:0.###}; " +
                $"{(nv > 0 ? $"worst validation group's loss to the shipped head={pick.GroupLoss:0.####}; " : "")}distance from the shipped head={AnchoredHead.Distance(best, mean, std)}");
            architecture = string.Create(CultureInfo.InvariantCulture,
                $"{readout}, standardised, logistic head anchored at the shipped gender head (penalty {bestC} on the distance, distillation {pick.Distillation} toward it at temperature {1 / pick.TeacherScale:0.###})");
        }
        else
        {
            var fitted = Heads.LogisticHead.Fit(x, n, d, y, recipe.CValues, new LogisticRegressionOptions { MaxIterations = 1000, Compute = new ComputeOptions { Threads = o.Threads } },
                nv > 0 ? m => Heads.LogisticHead.LogLoss(m, xv, yv, d) : null, null, cancellation);
            (best, bestC) = (fitted.Model, fitted.C);
            headNote = string.Create(CultureInfo.InvariantCulture, $"head=logistic; C={bestC} (of {string.Join(",", cs)})");
            architecture = string.Create(CultureInfo.InvariantCulture, $"{readout}, standardised, logistic regression (L2, C = {bestC})");
        }
        EvaluationReport? report = null;
        if (nv > 0)
        {
            var p = new float[nv];
            for (int i = 0; i < nv; i++) p[i] = (float)best.PredictProbability(xv.AsSpan(i * d, d));
            report = Evaluator.Evaluate(yv, p);
        }
        string stats = string.Create(CultureInfo.InvariantCulture,
            $"backbone={b}; {headNote}{hygiene}; canonicalMargin={Margin(framing)}; detectFaces={framing?.Photos == true}");
        var info = new ClassifierInfo
        {
            Kind = recipe.Kind,
            Architecture = architecture,
            Preprocessing = FaceNetClassifier.Preprocessing(b),
            Training = new TrainingSummary(best.Fit?.Iterations ?? 0, best.Fit?.Iterations ?? 0, clock.Elapsed.TotalSeconds, n, nv, o.Seed, "", stats),
            Metrics = report is null ? new Dictionary<string, double>() : Trainer.MetricsOf(report),
        };
        var classifier = new FaceNetClassifier(info, b, framing, folder, files, mean, std, best, o.Threads, mirror: recipe.EffectiveMirror, resnetFeatures: r);
        return new TrainingResult(classifier, report, skipped);
    }

    /// <summary>The framing's margin as the training notes write it: <c>none</c> without a framing.</summary>
    internal static string Margin(FaceFraming? framing) =>
        framing?.Margin.ToString(CultureInfo.InvariantCulture) ?? "none";

    /// <summary>The architecture's description of the features a head reads.</summary>
    private static string Readout(TransferBackbone b, FaceResNetFeatures r, int d, bool mirror) => string.Create(CultureInfo.InvariantCulture,
        $"frozen face-api {b} embeddings ({d} features{(FaceNetClassifier.UsesResNet(b) ? r == FaceResNetFeatures.StageMeans ? "; face ResNet: channel means of the final map, conv256_2 and conv128_2" : "; face ResNet: 128-d descriptor" : "")}{(mirror ? "; predictions average the image and its mirror" : "")})");

    /// <summary>The feature rows, labels and (age/gender net in use; NaN otherwise) the shipped net's age estimate of each usable item.</summary>
    private static (float[] X, int[] Y, float[] Ages, EmbeddingStats Stats) Embed(Embedder embedder, Dataset data, TransferBackbone b, FaceResNetFeatures r, string cacheFolder,
        List<SkippedFile> skipped, CancellationToken cancellation, IProgress<TrainingProgress>? progress, Action<string>? notes)
    {
        var items = data.Items;
        var errors = new string?[items.Count];
        var embedded = embedder.EmbedFiles([.. items.Select(i => i.Path)], cacheFolder, null, errors, out var stats, cancellation,
            TrainingProgress.EmbeddingPass(progress), notes);
        int d = FaceNetClassifier.FeatureLength(b, r);
        var rows = new List<float>(items.Count * d);
        var labels = new List<int>(items.Count);
        var ages = new List<float>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (errors[i] is { } reason) { skipped.Add(new SkippedFile(items[i].Path, reason == "no face found" ? SkipKind.Unreadable : SkipKind.Corrupt, reason)); continue; }
            rows.AddRange(FaceNetClassifier.Features(b, r, embedded[i]));
            labels.Add(items[i].Label);
            ages.Add(embedded[i].AgeGender is { } a ? a[FaceApi.AgeGenderNet.FeatureLength + 1] : float.NaN);
        }
        return ([.. rows], [.. labels], [.. ages], stats);
    }

    internal static (float[] Mean, float[] Std) Standardisation(float[] x, int n, int d)
    {
        var mean = new double[d];
        var sq = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) { double v = x[i * d + j]; mean[j] += v; sq[j] += v * v; }
        var m = new float[d];
        var s = new float[d];
        for (int j = 0; j < d; j++)
        {
            double mu = mean[j] / Math.Max(1, n), var = Math.Max(0, sq[j] / Math.Max(1, n) - mu * mu);
            m[j] = (float)mu;
            s[j] = var > 1e-12 ? (float)Math.Sqrt(var) : 1f;
        }
        return (m, s);
    }

    internal static void Standardise(float[] x, float[] mean, float[] std)
    {
        int d = mean.Length;
        for (int i = 0; i < x.Length; i++) x[i] = (x[i] - mean[i % d]) / std[i % d];
    }
}
