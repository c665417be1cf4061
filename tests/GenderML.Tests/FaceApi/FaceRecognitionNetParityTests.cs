using System.Text.Json;
using GenderML.Core;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Tests.FaceApi;

/// <summary>The face ResNet port against face-api's descriptors and intermediates (golden.json, one batch of 15).</summary>
public sealed class FaceRecognitionNetParityTests
{
    private static readonly Lazy<(string[] Files, float[][] Descriptors, Dictionary<string, Tensor> Taps)> Run = new(() =>
    {
        string[] files = FaceApiFixture.FaceImages;
        Image[] images = files.Select(FaceApiFixture.LoadGoldenImage).ToArray();
        var net = FaceRecognitionNet.Load(FaceApiFixture.Options);
        var descriptors = new float[files.Length][];
        var taps = new Dictionary<string, Tensor>();
        net.Run(images, (i, d) => descriptors[i] = d.ToArray(), (name, t) => taps[name] = t.Clone());
        return (files, descriptors, taps);
    });

    public static TheoryData<string> Files => new(FaceApiFixture.FaceImages);

    [Theory]
    [MemberData(nameof(Files))]
    public void DescriptorMatchesTheReference(string file)
    {
        var run = Run.Value;
        int i = Array.IndexOf(run.Files, file);
        JsonElement g = FaceApiFixture.Golden.GetProperty("images").GetProperty(file).GetProperty("face_recognition");
        int k = 0;
        foreach (JsonElement e in g.GetProperty("descriptor").EnumerateArray())
        {
            Assert.True(Math.Abs(run.Descriptors[i][k] - e.GetDouble()) <= 1e-4, $"descriptor[{k}]: {run.Descriptors[i][k]} vs {e.GetDouble()}");
            k++;
        }

        Assert.Equal(FaceRecognitionNet.DescriptorLength, k);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void UntappedRunMatchesTheReference(int threads)
    {
        // Untapped, the network runs as a channel-blocked plan on AVX-512 machines (another summation order than
        // the layers'), one chunk of images after another: the same tolerance against face-api, and each image
        // whatever its batch.
        var run = Run.Value;
        Image[] images = run.Files.Select(FaceApiFixture.LoadGoldenImage).ToArray();
        var net = FaceRecognitionNet.Load(FaceApiFixture.Options with { Compute = new ComputeOptions { Threads = threads } });
        var descriptors = net.ComputeDescriptors(images);
        var one = net.ComputeDescriptor(images[4]);
        for (int i = 0; i < images.Length; i++)
        {
            JsonElement g = FaceApiFixture.Golden.GetProperty("images").GetProperty(run.Files[i])
                .GetProperty("face_recognition").GetProperty("descriptor");
            int k = 0;
            foreach (JsonElement e in g.EnumerateArray())
            {
                Assert.True(Math.Abs(descriptors[i][k] - e.GetDouble()) <= 1e-4,
                    $"{run.Files[i]} descriptor[{k}]: {descriptors[i][k]} vs {e.GetDouble()}");
                Assert.True(Math.Abs(descriptors[i][k] - run.Descriptors[i][k]) <= 1e-5,
                    $"{run.Files[i]} descriptor[{k}] against the layers: {descriptors[i][k]} vs {run.Descriptors[i][k]}");
                k++;
            }
        }
        Assert.Equal(descriptors[4], one);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void IntermediatesMatchTheReference(string file)
    {
        var run = Run.Value;
        int i = Array.IndexOf(run.Files, file);
        JsonElement inter = FaceApiFixture.Golden.GetProperty("images").GetProperty(file).GetProperty("face_recognition").GetProperty("intermediates");
        float[] hwc = FaceInput.PaddedResizedHwc(FaceApiFixture.LoadGoldenImage(file), 150, centred: true);
        GoldenStats.AssertMatches("input_150", AgeGenderNetParityTests.HwcToTensor(hwc, 150), 0, inter.GetProperty("input_150_rgb_0_255"));
        foreach (var (name, tensor) in run.Taps)
            GoldenStats.AssertMatches(name, tensor, i, inter.GetProperty(name));
    }

    [Fact]
    public void StageMeans_AreTheChannelMeansOfTheGoldenCheckedStages_AndTheDescriptorsInput()
    {
        var run = Run.Value;
        string[] files = run.Files;
        var net = FaceRecognitionNet.Load(FaceApiFixture.Options);
        var means = net.ComputeStageMeans([.. files.Select(FaceApiFixture.LoadGoldenImage)]);
        var fc = TfjsWeights.Load(FaceApiFixture.ModelsFolder, "face_recognition_model").Get("fc", 256, FaceRecognitionNet.DescriptorLength).Floats!;
        for (int i = 0; i < files.Length; i++)
        {
            Assert.Equal(FaceRecognitionNet.StageMeansLength, means[i].Length);
            // The first 256 are the final map's means: times the fc matrix they give the descriptor.
            for (int k = 0; k < FaceRecognitionNet.DescriptorLength; k++)
            {
                double d = 0;
                for (int j = 0; j < 256; j++) d += means[i][j] * fc[j * FaceRecognitionNet.DescriptorLength + k];
                Assert.True(Math.Abs(d - run.Descriptors[i][k]) <= 1e-4, $"{files[i]} descriptor[{k}]: {d} vs {run.Descriptors[i][k]}");
            }
            // Then conv256_2 and conv128_2, each channel's mean over its map (the taps checked against the goldens above).
            foreach (var (tap, offset) in new[] { ("conv256_2", 256), ("conv128_2", 512) })
            {
                var t = run.Taps[tap];
                int c = t.Dim(1), hw = t.Dim(2) * t.Dim(3);
                for (int ch = 0; ch < c; ch++)
                {
                    double sum = 0;
                    for (int p = 0; p < hw; p++) sum += t.Data[(i * c + ch) * hw + p];
                    Assert.True(Math.Abs(sum / hw - means[i][offset + ch]) <= 1e-5, $"{files[i]} {tap}[{ch}]");
                }
            }
        }
    }

    [Fact]
    public void SamePersonDistanceIsZeroAndDifferentImagesDiffer()
    {
        var run = Run.Value;
        Assert.Equal(0f, FaceRecognitionNet.Distance(run.Descriptors[0], run.Descriptors[0]));
        Assert.True(FaceRecognitionNet.Distance(run.Descriptors[0], run.Descriptors[5]) > 0.1f);
    }
}
