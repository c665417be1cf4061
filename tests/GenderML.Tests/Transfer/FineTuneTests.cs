using GenderML.Classifiers;
using GenderML.Core;
using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Models;
using GenderML.Tests.FaceApi;
using GenderML.Training;
using GenderML.Transfer;

namespace GenderML.Tests.Transfer;

/// <summary>Fine-tuning of the face ResNet's last stage: the residual block's gradients, the pretrained stage's parity, training, the zip.</summary>
public sealed class FineTuneTests : IDisposable
{
    private readonly TransferFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(2, 4, true, 5, false)]   // conv 5→2, pool 5→2
    [InlineData(2, 4, true, 8, false)]   // conv 8→3, pool 8→4: the zero row/column pad fires
    [InlineData(3, 3, true, 4, false)]   // conv 4→1, pool 4→2, no new channels
    [InlineData(3, 3, false, 4, false)]  // identity shortcut
    [InlineData(2, 4, true, 8, true)]    // the frozen form: scale folded into the convs
    [InlineData(3, 3, false, 4, true)]
    public void ResidualBlock_Gradients_MatchFiniteDifferences(int cin, int cout, bool down, int side, bool folded)
    {
        var random = new Random(7);
        var block = new FaceResidualBlock(cin, cout, down, random, folded);
        foreach (var p in block.Parameters())
            for (int i = 0; i < p.Value.Length; i++) p.Value.Data[i] = (float)(random.NextDouble() - 0.3) * (p.Name.EndsWith("scale", StringComparison.Ordinal) ? 2f : 0.8f);
        var x = new Tensor(2, cin, side, side);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)random.NextDouble() * 2 - 0.5f;
        var y = block.Forward(x);
        var r = new float[y.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (float)random.NextDouble() * 2 - 1;
        double Loss()
        {
            var o = block.Forward(x);
            double s = 0;
            for (int i = 0; i < r.Length; i++) s += (double)r[i] * o.Data[i];
            return s;
        }
        block.ZeroGradients();
        block.Forward(x);
        var gx = block.Backward(new Tensor(y.ShapeArray(), (float[])r.Clone())).Clone();
        var checks = new List<(float[] Values, int Index, double Analytic)>();
        for (int i = 0; i < x.Length; i += 3) checks.Add((x.Data, i, gx.Data[i]));
        foreach (var p in block.Parameters())
            for (int i = 0; i < p.Value.Length; i += Math.Max(1, p.Value.Length / 7)) checks.Add((p.Value.Data, i, p.Gradient.Data[i]));
        const float Eps = 1e-3f;
        foreach (var (values, i, analytic) in checks)
        {
            float keep = values[i];
            values[i] = keep + Eps;
            double plus = Loss();
            values[i] = keep - Eps;
            double minus = Loss();
            values[i] = keep;
            double numeric = (plus - minus) / (2 * Eps);
            Assert.True(Math.Abs(numeric - analytic) <= 2e-2 + 2e-2 * Math.Abs(numeric), $"∂ at {i}: numeric {numeric}, analytic {analytic}");
        }
    }

    [Fact]
    public void PretrainedStage_OnThePrefix_GivesTheFaceDescriptor()
    {
        var weights = TfjsWeights.Load(FaceApiFixture.ModelsFolder, "face_recognition_model");
        var image = FaceApiFixture.LoadGoldenImage(FaceApiFixture.FaceImages[0]);
        var expected = FaceRecognitionNet.Load(FaceApiFixture.Options).ComputeDescriptor(image);
        var input = FaceInput.ToBatch([image], FaceRecognitionNet.InputSize, centred: true, InputNormalization.FaceMeans);
        var prefix = FaceResNet.Frozen(weights, null, FineTuneNetwork.PrefixEnd).Forward(input);
        Assert.Equal([1, 128, 8, 8], prefix.ShapeArray());
        var pooled = FineTuneNetwork.Pretrained(weights).Stage.Forward(prefix);
        var fc = weights.Get("fc", 256, 128).Floats!;
        for (int j = 0; j < 128; j++)
        {
            double d = 0;
            for (int k = 0; k < 256; k++) d += pooled.Data[k] * fc[k * 128 + j];
            Assert.True(Math.Abs(d - expected[j]) < 1e-4, $"descriptor[{j}]: {d} vs {expected[j]}");
        }
    }

    [Fact]
    public void Loop_OnSeparableSyntheticPrefixes_LowersTheTrainingLoss()
    {
        var random = new Random(3);
        int n = 48;
        var rows = new Half[n][];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 2;
            rows[i] = new Half[FineTuneNetwork.PrefixLength];
            for (int j = 0; j < rows[i].Length; j++)
                rows[i][j] = (Half)(random.NextDouble() + (j < 64 && y[i] == 1 ? 0.5 : 0));
        }
        var net = new FineTuneNetwork(seed: 5);
        net.SetCompute(2);
        double before = Loss(net, rows, y);
        var part = new FineTuneTrainer.Part(rows, null, y, new EmbeddingStats(0, 0, 0));
        var empty = new FineTuneTrainer.Part([], null, [], new EmbeddingStats(0, 0, 0));
        var options = new FineTuneOptions { Epochs = 10, BatchSize = 8, LearningRate = 3e-2, HeadLearningRate = 0.1, FlipTrain = false, FlipTest = false };
        new FineTuneLoop(net, options, 1).Train(part, empty, null, CancellationToken.None);
        double after = Loss(net, rows, y);
        Assert.True(after < before * 0.85, $"loss {before} → {after}");
    }

    private static double Loss(FineTuneNetwork net, Half[][] rows, int[] y)
    {
        var p = net.Probabilities(rows, null);
        return -Enumerable.Range(0, y.Length).Average(i => Math.Log(Math.Clamp(y[i] == 1 ? p[i] : 1 - p[i], 1e-9, 1)));
    }

    [Fact]
    public void FineTune_ColdThenWarmCache_WritesTheSameBytes()
    {
        string cache = Path.Combine(_fixture.Root, "bytes-cache");
        byte[] Train(string name)
        {
            string path = Path.Combine(_fixture.Root, name + ".zip");
            FineTune(5, cache).Classifier.Save(path);
            return File.ReadAllBytes(path);
        }
        Assert.Equal(Train("cold"), Train("warm"));
    }

    [Fact]
    public void FineTune_InterruptedAfterAnEpoch_ResumesToTheSameBytes()
    {
        var recipe = new TransferRecipe(TransferBackbone.FaceResNet)
        {
            ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0],
            Preprocessing = new Data.PreprocessOptions { Framing = FaceFraming.Canonical(0.1, FaceFraming.LegacyDetectorSize) },
            FineTune = new FineTuneOptions { Epochs = 3, BatchSize = 4 },
        };
        string checkpoint = Path.Combine(_fixture.Root, "tuned.zip.checkpoint");
        var options = new TrainingOptions { ValidationFraction = 0.4, CacheFolder = _fixture.Cache, Threads = 2, Seed = 2, CheckpointPath = checkpoint };
        byte[] Bytes(TrainingResult r, string name)
        {
            string path = Path.Combine(_fixture.Root, name);
            r.Classifier.Save(path);
            return File.ReadAllBytes(path);
        }
        byte[] whole = Bytes(Trainer.Fit(recipe, _fixture.Dataset, null, options), "whole.zip");
        File.Delete(checkpoint);

        using var cancel = new CancellationTokenSource();
        var stopAfterEpoch1 = new SyncProgress(p => { if (p.Epoch == 1 && p.Batch == p.Batches && p.ValidationLoss is not null) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Fit(recipe, _fixture.Dataset, null, options, stopAfterEpoch1, cancel.Token));
        Assert.True(File.Exists(checkpoint));
        var notes = new List<string>();
        var resumed = Trainer.Fit(recipe, _fixture.Dataset, null, options with { Resume = true, Notes = notes.Add });
        Assert.Contains(notes, n => n.Contains("1 of 3 epochs done", StringComparison.Ordinal));
        Assert.Equal(whole, Bytes(resumed, "resumed.zip"));
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private TrainingResult FineTune(int seed, string? cache = null) => Trainer.Fit(
        new TransferRecipe(TransferBackbone.FaceResNet)
        {
            ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0],
            Preprocessing = new Data.PreprocessOptions { Framing = FaceFraming.Canonical(0.1, FaceFraming.LegacyDetectorSize) },
            FineTune = new FineTuneOptions { Epochs = 2, BatchSize = 4 },
        },
        _fixture.Dataset, null, new TrainingOptions { ValidationFraction = 0, CacheFolder = cache ?? _fixture.Cache, Threads = 2, Seed = seed });

    [Fact]
    public void FineTune_TrainSaveLoad_PredictsTheSameBits_AndIsDeterministic()
    {
        var result = FineTune(4);
        Assert.IsType<FineTunedClassifier>(result.Classifier);
        Assert.Empty(result.Skipped);
        Image[] images = [.. _fixture.Files.Select(f => Image.Load(f))];
        var before = result.Classifier.Predict(images);
        string path = Path.Combine(_fixture.Root, "tuned.zip");
        result.Classifier.Save(path);
        var loaded = GenderClassifier.Load(path, threads: 2);
        Assert.Equal("transfer-resnet", loaded.Info.Kind);
        Assert.IsType<FineTunedClassifier>(loaded);
        var after = loaded.Predict(images);
        Assert.Equal(before.Select(p => p.ProbabilityMale), after.Select(p => p.ProbabilityMale));
        Assert.All(after, p => Assert.True(p.FaceFound));   // canonical crops: every fixture face is found
        Assert.Equal(_fixture.Files.Select(f => f.Contains("_male_", StringComparison.Ordinal) ? "male" : "female"), after.Select(p => p.Label));

        // Through the file path (prefix cache) the same bits as in memory.
        var errors = new string?[images.Length];
        var fromFiles = ((FineTunedClassifier)loaded).ProbabilitiesOfFiles(_fixture.Files, _fixture.Cache, null, errors, out _);
        Assert.All(errors, Assert.Null);
        Assert.Equal(before.Select(p => p.ProbabilityMale), fromFiles);

        var again = FineTune(4).Classifier.Predict(images);
        Assert.Equal(before.Select(p => p.ProbabilityMale), again.Select(p => p.ProbabilityMale));
    }

    [Fact]
    public void FineTunedZip_WithATensorMissing_IsRejected()
    {
        var result = FineTune(1);
        string other = Path.Combine(_fixture.Root, "other.zip");
        var c = (FineTunedClassifier)result.Classifier;
        var tensors = c.Network.Network.State().ToDictionary(p => "finetune." + p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        tensors.Remove(tensors.Keys.First());
        var architecture = new System.Text.Json.Nodes.JsonObject
        {
            ["description"] = "x", ["backbone"] = "FaceResNet", ["canonicalMargin"] = 0.1, ["detectFaces"] = false,
            ["backboneFiles"] = new System.Text.Json.Nodes.JsonObject { ["face_recognition_model.bin"] = c.BackboneFiles["face_recognition_model.bin"], ["tiny_face_detector_model.bin"] = c.BackboneFiles["tiny_face_detector_model.bin"] },
            ["fineTune"] = new System.Text.Json.Nodes.JsonObject { ["frozenThrough"] = FineTuneNetwork.PrefixEnd, ["flipTest"] = true },
        };
        ModelStore.Write(other, c.Info, architecture, tensors);
        var e = Assert.Throws<ModelFormatException>(() => GenderClassifier.Load(other, threads: 1));
        Assert.Contains("missing or misshapen", e.Message, StringComparison.Ordinal);
    }
}
