using GenderML.Classifiers;
using GenderML.Linear;
using GenderML.Tests.FaceApi;
using GenderML.Training;
using GenderML.Transfer;

namespace GenderML.Tests.Transfer;

/// <summary>The anchored head (<see cref="TransferHead.Anchored"/>) and label hygiene (<see cref="TransferRecipe.ExcludeSuspects"/>).</summary>
public sealed class AnchoredHeadTests
{
    /// <summary>n rows of d standardised-looking features whose last column is a (scaled) logit; labels follow feature 0.</summary>
    private static (float[] Z, int[] Y, float[] Mean, float[] Std) Data(int n, int d, int seed)
    {
        var random = new Random(seed);
        var z = new float[n * d];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) z[i * d + j] = (float)(random.NextDouble() * 2 - 1);
            y[i] = z[i * d] + 0.3 * (random.NextDouble() - 0.5) > 0 ? 1 : 0;
        }
        float[] mean = [.. Enumerable.Repeat(0f, d - 1), 0.4f], std = [.. Enumerable.Repeat(1f, d - 1), 3f];
        return (z, y, mean, std);
    }

    [Fact]
    public void Loss_GradientMatchesFiniteDifferences()
    {
        var (z, y, mean, std) = Data(40, 5, 1);
        double[] weights = [.. Enumerable.Range(0, 40).Select(i => 0.5 + i % 3)];
        var t = AnchoredHead.Targets(z, y, 5, mean, std, 0.3);
        var (w0, b0) = AnchoredHead.Anchor(mean, std);
        var loss = AnchoredHead.Loss(z, t, weights, 5, w0, b0, 0.2, threads: 2);
        double[] x = [0.3, -0.2, 0.1, 0.5, 2.0, -0.4];
        var g = new double[6];
        loss(x, g);
        for (int j = 0; j < 6; j++)
        {
            double[] up = [.. x], down = [.. x];
            // The weights are rounded to float inside the loss: a step of 1e-3 keeps that rounding far below the change.
            up[j] += 1e-3;
            down[j] -= 1e-3;
            double numeric = (loss(up, new double[6]) - loss(down, new double[6])) / 2e-3;
            Assert.Equal(numeric, g[j], 5);
        }
    }

    [Fact]
    public void AStrongPull_GivesTheShippedHeadBack_AWeakOneFitsTheLabels()
    {
        var (z, y, mean, std) = Data(400, 4, 2);
        var anchored = AnchoredHead.Fit(z, y, null, 4, mean, std, lambda: 1e4, distillation: 0, threads: 1, CancellationToken.None);
        Assert.Equal(std[^1], anchored.Weights[^1], 2);
        Assert.Equal(0, anchored.Weights[0], 2);
        var free = AnchoredHead.Fit(z, y, null, 4, mean, std, lambda: 1e-4, distillation: 0, threads: 1, CancellationToken.None);
        Assert.True(free.Weights[0] > 5, $"w0 = {free.Weights[0]}");
        Assert.True(Math.Abs(free.Weights[^1]) < 1, $"w_logit = {free.Weights[^1]}");
    }

    [Fact]
    public void FullDistillation_FitsTheShippedHead_WhateverTheLabels()
    {
        var (z, y, mean, std) = Data(400, 4, 3);
        var model = AnchoredHead.Fit(z, y, null, 4, mean, std, lambda: 1e-4, distillation: 1, threads: 1, CancellationToken.None);
        Assert.Equal(std[^1], model.Weights[^1], 1);
        Assert.Equal(mean[^1], model.Intercept, 1);
    }

    [Fact]
    public void TeacherScale_SharpensAnUnderConfidentShippedLogit()
    {
        // Labels follow the last feature's sign exactly, so σ(s) of the raw logit is too soft: the fitted scale is above 1.
        var (z, _, mean, std) = Data(2000, 3, 6);
        int[] y = [.. Enumerable.Range(0, 2000).Select(i => z[i * 3 + 2] * std[^1] + mean[^1] > 0 ? 1 : 0)];
        Assert.True(AnchoredHead.TeacherScale(z, y, 3, mean, std) > 1.5);
        // At scale 1 the targets are the raw σ(s); at a larger scale they move toward the labels.
        var soft = AnchoredHead.Targets(z, y, 3, mean, std, 1);
        var sharp = AnchoredHead.Targets(z, y, 3, mean, std, 1, teacherScale: 3);
        for (int i = 0; i < 50; i++) Assert.True(Math.Abs(sharp[i] - y[i]) <= Math.Abs(soft[i] - y[i]) + 1e-12);
    }

    [Fact]
    public void WorstGroupLoss_IsTheLargestShareOfAGroupTheShippedHeadGetsRightAndTheModelWrong()
    {
        // Four rows, d = 2; the shipped logit (last feature, mean 0, std 1) is right on all of them.
        float[] z = [0, -2, 0, -2, 0, 2, 0, 2];
        int[] y = [0, 0, 1, 1];
        float[] ages = [10, 30, 30, 30], mean = [0, 0], std = [1, 1];
        var shipped = new LogisticModel([0f, 1f], 0);
        Assert.Equal(0, AnchoredHead.WorstGroupLoss(shipped, z, y, ages, 2, mean, std));
        // Calling everyone a man loses the one woman under 20 (all of her group) and the woman 20–39.
        var male = new LogisticModel([0f, 0f], 5);
        Assert.Equal(1, AnchoredHead.WorstGroupLoss(male, z, y, ages, 2, mean, std));
        // Calling everyone a woman, with the men in two groups of one (20–39, 60+), loses each of them whole.
        var female = new LogisticModel([0f, 0f], -5);
        Assert.Equal(1, AnchoredHead.WorstGroupLoss(female, z, y, [10, 30, 30, 70], 2, mean, std));
    }

    [Fact]
    public void FitBest_ChoosesTheLeastGroupLoss_BeforeTheLowestLogLoss()
    {
        var (z, y, mean, std) = Data(300, 4, 7);
        int call = 0;
        // Pairs in order (α outer, λ inner): the second has a worse log-loss but no group loss, so it is kept.
        var pick = AnchoredHead.FitBest(z, y, 4, mean, std, [1.0, 0.1], [0.0, 0.5], threads: 1,
            _ => call++ == 1 ? (0, 9) : (0.25, 0.1), CancellationToken.None);
        Assert.Equal(4, call);
        Assert.Equal((0.1, 0.0), (pick.Penalty, pick.Distillation));
        Assert.True(pick.TeacherScale > 0);
        var first = AnchoredHead.FitBest(z, y, 4, mean, std, [1.0, 0.1], [0.0, 0.5], threads: 1, null, CancellationToken.None);
        Assert.Equal((1.0, 0.0), (first.Penalty, first.Distillation));
    }

    [Fact]
    public void SuspectExclusion_DropsMostFlippedLabels_AndFewOthers()
    {
        const int N = 3000;
        var (z, y, _, _) = Data(N, 4, 4);
        int[] noisy = [.. y];
        var flipped = Enumerable.Range(0, N).Where(i => i % 20 == 0 && Math.Abs(z[i * 4]) > 0.5).ToHashSet();
        foreach (int i in flipped) noisy[i] = 1 - noisy[i];
        var (x, kept, n, note) = SuspectExclusion.Apply(z, noisy, 4, seed: 1, threads: 1, CancellationToken.None);
        Assert.Equal(n * 4, x.Length);
        Assert.Equal(n, kept.Length);
        Assert.InRange(N - n, flipped.Count / 2, flipped.Count);
        Assert.Contains("suspects excluded", note, StringComparison.Ordinal);
    }

    [Fact]
    public void SuspectExclusion_ScreensNothing_WithTooFewImagesOfAClass()
    {
        var (z, y, _, _) = Data(60, 4, 5);
        for (int i = 0; i < 60; i++) y[i] = i < 9 ? 0 : 1;
        var (x, kept, n, note) = SuspectExclusion.Apply(z, y, 4, seed: 1, threads: 1, CancellationToken.None);
        Assert.Equal((60, 60, 240), (n, kept.Length, x.Length));
        Assert.Contains("not screened", note, StringComparison.Ordinal);
    }

    [Fact]
    public void AnchoredAtAStrongPull_PredictsAsPretrained()
    {
        using var fixture = new TransferFixture();
        var recipe = (TransferRecipe)ClassifierPresets.Create("transfer-fusion") with
        {
            ModelsFolder = FaceApiFixture.ModelsFolder, Head = TransferHead.Anchored, AnchorPenalties = [1e6],
            ResNetFeatures = FaceResNetFeatures.StageMeans, Calibration = CalibrationMethod.None,
        };
        var model = Trainer.Fit(recipe, fixture.Dataset, null, new TrainingOptions { ValidationFraction = 0, CacheFolder = fixture.Cache, Threads = 2 }).Classifier;
        // The shipped net's own output: the anchored head starts from it, before any calibration.
        var pretrained = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2, ClassifierPresets.FaceApiCanonicalMargin,
            detectFaces: false, mirror: true, calibrate: false);
        var images = fixture.Files.Select(f => Imaging.Image.Load(f)).ToList();
        var expected = pretrained.Predict(images);
        var actual = model.Predict(images);
        for (int i = 0; i < images.Count; i++) Assert.Equal(expected[i].ProbabilityMale, actual[i].ProbabilityMale, 3);
    }

    [Fact]
    public void Anchored_IsForTheFusionBackbone_AndNotForFineTuning()
    {
        using var fixture = new TransferFixture();
        var options = new TrainingOptions { ValidationFraction = 0, CacheFolder = fixture.Cache, Threads = 2 };
        var resnet = new TransferRecipe(TransferBackbone.FaceResNet) { ModelsFolder = FaceApiFixture.ModelsFolder, Head = TransferHead.Anchored };
        Assert.Contains("Fusion", Assert.Throws<ArgumentException>(() => Trainer.Fit(resnet, fixture.Dataset, null, options)).Message);
        var fineTuned = new TransferRecipe(TransferBackbone.FaceResNet) { ModelsFolder = FaceApiFixture.ModelsFolder, FineTune = new(), ExcludeSuspects = true };
        Assert.Contains("ExcludeSuspects", Assert.Throws<ArgumentException>(() => Trainer.Fit(fineTuned, fixture.Dataset, null, options)).Message);
    }
}
