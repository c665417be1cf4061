using System.Text.Json;
using GenderML.Core;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Tests.FaceApi;

/// <summary>The age/gender port against face-api's own outputs (golden.json, all 15 face and pattern images in one batch).</summary>
public sealed class AgeGenderNetParityTests
{
    private static readonly Lazy<(string[] Files, AgeGenderEstimate[] Estimates, float[][] Features, Dictionary<string, Tensor> Taps)> Run = new(() =>
    {
        string[] files = FaceApiFixture.FaceImages;
        Image[] images = files.Select(FaceApiFixture.LoadGoldenImage).ToArray();
        var net = AgeGenderNet.Load(FaceApiFixture.Options);
        var estimates = new AgeGenderEstimate[files.Length];
        var features = new float[files.Length][];
        var taps = new Dictionary<string, Tensor>();
        net.Run(images, (i, e, f) => { estimates[i] = e; features[i] = f.ToArray(); }, (name, t) => taps[name] = t.Clone());
        return (files, estimates, features, taps);
    });

    public static TheoryData<string> Files => new(FaceApiFixture.FaceImages);

    [Theory]
    [MemberData(nameof(Files))]
    public void AgeAndProbabilityMatchTheReference(string file)
    {
        var run = Run.Value;
        int i = Array.IndexOf(run.Files, file);
        JsonElement g = FaceApiFixture.Golden.GetProperty("images").GetProperty(file).GetProperty("age_gender");
        double pMale = g.GetProperty("gender_softmax_male_female")[0].GetDouble();
        double age = g.GetProperty("age_raw").GetDouble();
        Assert.True(Math.Abs(run.Estimates[i].ProbabilityMale - pMale) <= 1e-4, $"p(male) {run.Estimates[i].ProbabilityMale} vs {pMale}");
        Assert.True(Math.Abs(run.Estimates[i].Age - age) <= 0.01, $"age {run.Estimates[i].Age} vs {age}");
        GoldenStats.CheckValues("pooled512", g.GetProperty("pooled512"), k => run.Features[i][k], 1e-4);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void IntermediatesMatchTheReference(string file)
    {
        var run = Run.Value;
        int i = Array.IndexOf(run.Files, file);
        JsonElement inter = FaceApiFixture.Golden.GetProperty("images").GetProperty(file).GetProperty("age_gender").GetProperty("intermediates");
        float[] hwc = FaceInput.PaddedResizedHwc(FaceApiFixture.LoadGoldenImage(file), 112, centred: true);
        GoldenStats.AssertMatches("input_112", HwcToTensor(hwc, 112), 0, inter.GetProperty("input_112_rgb_0_255"));
        foreach (var (name, tensor) in run.Taps)
            GoldenStats.AssertMatches(name, tensor, i, inter.GetProperty(name));
    }

    /// <summary>The untapped run — the channel-blocked plan on AVX-512 machines, a batch split over threads — gives the
    /// tapped run's layers' features and estimates, bit for bit, on one thread and on two.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void UntappedRunEqualsTheLayers(int threads)
    {
        var run = Run.Value;
        Image[] images = run.Files.Select(FaceApiFixture.LoadGoldenImage).ToArray();
        var net = AgeGenderNet.Load(FaceApiFixture.Options with { Compute = new ComputeOptions { Threads = threads } });
        var features = net.ExtractFeatures(images);
        var one = net.ExtractFeatures([images[3]])[0];
        for (int i = 0; i < images.Length; i++)
            Assert.Equal(run.Features[i], features[i]);
        Assert.Equal(run.Features[3], one);
    }

    internal static Tensor HwcToTensor(float[] hwc, int size)
    {
        var t = new Tensor(1, 3, size, size);
        for (int p = 0; p < size * size; p++)
        for (int c = 0; c < 3; c++)
            t.Data[c * size * size + p] = hwc[p * 3 + c];
        return t;
    }
}
