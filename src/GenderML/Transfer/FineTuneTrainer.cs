using System.Diagnostics;
using System.Globalization;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.FaceApi;
using GenderML.Linear;
using GenderML.Training;

namespace GenderML.Transfer;

/// <summary>
/// Fits a <see cref="TransferRecipe"/> with <see cref="TransferRecipe.FineTune"/>: cached prefixes → the pretrained last
/// stage's 256 pooled features → a logistic head (L-BFGS, C by validation log-loss, as the frozen transfer model) →
/// both trained together with AdamW (<see cref="FineTuneLoop"/>).
/// </summary>
internal static class FineTuneTrainer
{
    public static TrainingResult Fit(TransferRecipe recipe, Dataset train, Dataset? validation, TrainingOptions o,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var ft = recipe.FineTune!;
        ft.Validate();
        if (recipe.Backbone != TransferBackbone.FaceResNet) throw new ArgumentException("fine-tuning (FineTune) is for the face ResNet backbone (Backbone = FaceResNet)");
        if (recipe.Head != TransferHead.Logistic) throw new ArgumentException("fine-tuning (FineTune) trains its own logistic head; leave Head at Logistic");
        var framing = recipe.Framing(o.Threads);
        if (framing?.Photos == true)
        {
            throw new ArgumentException("fine-tuning (FineTune) does not take full photos (FaceFraming.ForPhotos) " +
                "yet; crop the faces first or leave FineTune null");
        }
        var clock = Stopwatch.StartNew();
        string? folder = recipe.ModelsFolder;
        var files = FaceModelsFolder.Hashes(folder, PrefixRunner.WeightFiles(framing));
        var weights = TfjsWeights.Load(folder, "face_recognition_model");
        var runner = new PrefixRunner(folder, weights, framing, o.Threads);
        string cacheFolder = o.CacheFolder ?? PixelCacheOptions.DefaultFolder();
        var skipped = train.Skipped.Concat(validation?.Skipped ?? []).DistinctBy(s => s.Path, StringComparer.Ordinal).ToList();
        bool mirror = ft.FlipTrain || ft.FlipTest;
        var tr = Prefixes(runner, train, cacheFolder, mirror, skipped, cancellation, progress, o.Notes);
        if (tr.Y.Count(l => l == 0) == 0 || tr.Y.Count(l => l == 1) == 0)
            throw new ArgumentException("training needs images of both classes", nameof(train));
        var va = validation is { Items.Count: > 0 } ? Prefixes(runner, validation, cacheFolder, mirror, skipped, cancellation, progress, o.Notes) : new([], null, [], new(0, 0, 0));
        // Cache facts go to the notes, not into the saved options (the model's bytes must not depend on the cache's state).
        o.Notes?.Invoke("training " + tr.Stats.Note("prefixes", framing is not null));
        if (va.Y.Length > 0) o.Notes?.Invoke("validation " + va.Stats.Note("prefixes", framing is not null));

        var net = FineTuneNetwork.Pretrained(weights);
        net.SetCompute(o.Threads);
        net.FlipTest = ft.FlipTest;
        var (frozenC, frozenLoss) = FitFrozenHead(net, recipe.CValues, tr, va, ft, o, cancellation);
        var frozen = va.Y.Length > 0 ? Evaluator.Evaluate(va.Y, net.Probabilities(va.Plain, va.Mirrored)) : null;

        var loop = new FineTuneLoop(net, ft, o.Seed);
        var checkpoints = new EpochLoop.CheckpointPlan(o.CheckpointPath, Trainer.Fingerprint(train.Items, recipe, o), o.Resume);
        var run = loop.Train(tr, va, progress, cancellation, checkpoints, o.Notes);
        var report = va.Y.Length > 0 ? Evaluator.Evaluate(va.Y, net.Probabilities(va.Plain, va.Mirrored)) : null;
        string stats = string.Create(CultureInfo.InvariantCulture,
            $"backbone=FaceResNet; fineTune: from {FineTuneNetwork.PrefixEnd}, epochs={ft.Epochs} (ran {run.Epochs}, best {run.BestEpoch}), lr={ft.LearningRate}, headLr={ft.HeadLearningRate}, weightDecay={ft.WeightDecay}, batch={ft.BatchSize}, flipTrain={ft.FlipTrain}, flipTest={ft.FlipTest}; frozen head C={frozenC}, validation log-loss {frozenLoss:F4}, accuracy {(frozen?.Accuracy ?? double.NaN):P2}; fine-tuned validation log-loss {run.BestLoss:F4}; canonicalMargin={TransferTrainer.Margin(framing)}");
        var info = new ClassifierInfo
        {
            Kind = recipe.Kind,
            Architecture = string.Create(CultureInfo.InvariantCulture,
                $"face-api face ResNet, frozen to {FineTuneNetwork.PrefixEnd}, fine-tuned conv256_down … conv256_down_out, mean-pooled 256 features, logistic head{(ft.FlipTest ? ", mean logit of the image and its mirror" : "")}"),
            Preprocessing = FaceNetClassifier.Preprocessing(TransferBackbone.FaceResNet),
            Training = new TrainingSummary(run.Epochs, run.BestEpoch, clock.Elapsed.TotalSeconds, tr.Y.Length, va.Y.Length, o.Seed, "", stats),
            Metrics = report is null ? new Dictionary<string, double>() : Trainer.MetricsOf(report),
        };
        var classifier = new FineTunedClassifier(info, framing, folder, files, net, o.Threads);
        return new TrainingResult(classifier, report, skipped);
    }

    /// <summary>Prefixes and labels of a dataset's readable images.</summary>
    internal sealed record Part(Half[][] Plain, Half[][]? Mirrored, int[] Y, EmbeddingStats Stats);

    private static Part Prefixes(PrefixRunner runner, Dataset data, string cacheFolder, bool mirror, List<SkippedFile> skipped, CancellationToken cancellation,
        IProgress<TrainingProgress>? progress, Action<string>? notes)
    {
        var items = data.Items;
        var errors = new string?[items.Count];
        var (plain, mirrored) = runner.RunFiles([.. items.Select(i => i.Path)], cacheFolder, null, mirror, errors, out var stats, cancellation,
            TrainingProgress.EmbeddingPass(progress), notes);
        var keep = new List<int>();
        for (int i = 0; i < items.Count; i++)
        {
            if (errors[i] is { } reason) skipped.Add(new SkippedFile(items[i].Path, SkipKind.Corrupt, reason));
            else keep.Add(i);
        }
        return new Part([.. keep.Select(i => plain[i]!)], mirrored is null ? null : [.. keep.Select(i => mirrored[i]!)], [.. keep.Select(i => items[i].Label)], stats);
    }

    /// <summary>
    /// The head's start: logistic regression (L-BFGS, C of best validation log-loss, validation scored as predictions are)
    /// on the pretrained stage's standardised 256 pooled features — on the mirrors too when training flips — folded into
    /// the 256 → 1 head: <c>w = β / σ</c>, <c>b = β₀ − Σ β·μ/σ</c>. (Measured on the shared data: a better start than the
    /// 128-d descriptor, which is a linear map of the same 256 features.)
    /// </summary>
    private static (double C, double Loss) FitFrozenHead(FineTuneNetwork net, IReadOnlyList<double> cValues, Part tr, Part va,
        FineTuneOptions ft, TrainingOptions o, CancellationToken cancellation)
    {
        const int P = FineTuneNetwork.Pooled;
        bool both = ft.FlipTrain && tr.Mirrored is not null;
        float[] x = both ? [.. net.PooledFeatures(tr.Plain), .. net.PooledFeatures(tr.Mirrored!)] : net.PooledFeatures(tr.Plain);
        int[] y = both ? [.. tr.Y, .. tr.Y] : tr.Y;
        int n = y.Length;
        var (mean, std) = TransferTrainer.Standardisation(x, n, P);
        void Standardise(float[] v) { for (int i = 0; i < v.Length; i++) v[i] = (v[i] - mean[i % P]) / std[i % P]; }
        Standardise(x);
        bool tta = ft.FlipTest && va.Mirrored is not null;
        float[] xv = va.Y.Length > 0 ? net.PooledFeatures(va.Plain) : [];
        float[] xvm = va.Y.Length > 0 && tta ? net.PooledFeatures(va.Mirrored!) : [];
        Standardise(xv);
        Standardise(xvm);
        Func<LogisticModel, double>? validationLoss = va.Y.Length == 0 ? null : model =>
        {
            double loss = 0;
            for (int i = 0; i < va.Y.Length; i++)
            {
                double z = model.DecisionFunction(xv.AsSpan(i * P, P));
                if (tta) z = 0.5 * (z + model.DecisionFunction(xvm.AsSpan(i * P, P)));
                double p = Math.Clamp(1 / (1 + Math.Exp(-z)), 1e-12, 1 - 1e-12);
                loss -= va.Y[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
            }
            return loss / va.Y.Length;
        };
        var (best, bestC, bestLoss) = Heads.LogisticHead.Fit(x, n, P, y, cValues,
            new LogisticRegressionOptions { MaxIterations = 1000, Compute = new ComputeOptions { Threads = o.Threads } }, validationLoss, null, cancellation);
        var w = net.Head.Weight.Value.Data;
        double bias = best.Intercept;
        for (int k = 0; k < P; k++)
        {
            w[k] = (float)(best.Weights[k] / std[k]);
            bias -= best.Weights[k] * mean[k] / std[k];
        }
        net.Head.Bias!.Value.Data[0] = (float)bias;
        return (bestC, bestLoss);
    }
}
