using GenderML.Classifiers;
using GenderML.Evaluation;
using GenderML.Core.Serialization;
using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Models;
using GenderML.Tests.FaceApi;
using GenderML.Training;
using GenderML.Transfer;

namespace GenderML.Tests.Transfer;

/// <summary>The ready pretrained model, transfer training and its zip, and the embedding cache, on the real face-api weights.</summary>
public sealed class TransferTests : IDisposable
{
    private readonly TransferFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private TrainingResult TrainTransfer(TransferBackbone backbone, TransferHead head = TransferHead.Logistic, FaceResNetFeatures? features = null) => Trainer.Fit(
        new TransferRecipe(backbone)
        {
            ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0], Head = head, ResNetFeatures = features,
            Boosting = new GenderML.Trees.GradientBoostingOptions { Trees = 30, Leaves = 3, MinExamplesPerLeaf = 2, LearningRate = 0.3 },
        },
        _fixture.Dataset, null, new TrainingOptions { ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 });

    [Fact]
    public void Pretrained_PredictionsAndAges_EqualAgeGenderNet()
    {
        Image[] images = [.. FaceApiFixture.FaceImages.Where(f => f.StartsWith("kg", StringComparison.Ordinal)).Take(5).Select(FaceApiFixture.LoadGoldenImage)];
        var expected = AgeGenderNet.Load(FaceApiFixture.Options).Predict(images);
        var pretrained = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, threads: 2, calibrate: false);
        var actual = pretrained.PredictWithAge(images);
        Assert.Equal("pretrained", pretrained.Info.Kind);
        for (int i = 0; i < images.Length; i++)
        {
            Assert.Equal(expected[i].ProbabilityMale, actual[i].Prediction.ProbabilityMale);
            Assert.Equal(expected[i].Age, actual[i].Age);
            Assert.Equal(expected[i].ProbabilityMale, pretrained.Predict(images[i]).ProbabilityMale);
        }
    }

    [Fact]
    public void Pretrained_refuses_to_save_with_a_message_that_says_how_to_load_it()
    {
        var pretrained = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, threads: 1);
        string path = Path.Combine(Path.GetTempPath(), $"pretrained-{Guid.NewGuid():N}.zip");
        var e = Assert.Throws<NotSupportedException>(() => pretrained.Save(path));
        Assert.Contains("PretrainedGenderClassifier.Load", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Pretrained_MissingWeights_SaysToFetchThem()
    {
        string empty = Path.Combine(_fixture.Root, "no-models");
        Directory.CreateDirectory(empty);
        var e = Assert.Throws<FileNotFoundException>(() => PretrainedGenderClassifier.Load(empty, 1));
        Assert.Contains("age_gender_model.bin", e.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/fetch-models.sh", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TransferBackbone.FaceResNet, "transfer-resnet", TransferHead.Logistic)]
    [InlineData(TransferBackbone.Fusion, "transfer-fusion", TransferHead.Logistic)]
    [InlineData(TransferBackbone.Fusion, "transfer", TransferHead.Anchored)]
    [InlineData(TransferBackbone.FaceResNet, "transfer-resnet", TransferHead.Mlp)]
    [InlineData(TransferBackbone.FaceResNet, "transfer-resnet", TransferHead.Gbdt)]
    [InlineData(TransferBackbone.FaceResNet, "transfer-resnet", TransferHead.Logistic, FaceResNetFeatures.Descriptor)]
    public void Transfer_TrainSaveLoad_PredictsTheSameBits(TransferBackbone backbone, string kind, TransferHead head, FaceResNetFeatures? features = null)
    {
        var result = TrainTransfer(backbone, head, features);
        Assert.Empty(result.Skipped);
        Image[] images = [.. _fixture.Files.Select(f => Image.Load(f))];
        var before = result.Classifier.Predict(images);
        string path = Path.Combine(_fixture.Root, "model.zip");
        result.Classifier.Save(path);
        var loaded = GenderClassifier.Load(path, threads: 2);
        Assert.Equal(kind, loaded.Info.Kind);
        var after = loaded.Predict(images);
        Assert.Equal(before.Select(p => p.ProbabilityMale), after.Select(p => p.ProbabilityMale));
        // Ten clearly labelled training faces: the head must fit them.
        Assert.Equal(_fixture.Files.Select(f => f.Contains("_male_", StringComparison.Ordinal) ? "male" : "female"), after.Select(p => p.Label));
    }

    [Fact]
    public void Transfer_Defaults_ReadStageMeans_AndAverageWithTheMirror()
    {
        var model = Assert.IsType<FaceNetClassifier>(TrainTransfer(TransferBackbone.FaceResNet).Classifier);
        Assert.Equal((FaceResNetFeatures.StageMeans, true, FaceRecognitionNet.StageMeansLength), (model.ResNetFeatures, model.Mirror, model.Mean!.Length));
        Assert.Contains("conv128_2", model.Info.Architecture, StringComparison.Ordinal);
        // Whole images (no canonical framing): an image and its mirror image average the same two embeddings.
        Image[] images = [.. _fixture.Files.Take(3).Select(f => Image.Load(f))];
        var plain = model.Predict(images);
        var mirrored = model.Predict([.. images.Select(i => i.FlipHorizontal())]);
        Assert.Equal(plain.Select(p => p.ProbabilityMale), mirrored.Select(p => p.ProbabilityMale));
        // Without the mirror, training on the same embeddings gives the same head but other predictions.
        var single = Assert.IsType<FaceNetClassifier>(Trainer.Fit(new TransferRecipe(TransferBackbone.FaceResNet) { ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0], Mirror = false },
            _fixture.Dataset, null, new TrainingOptions { ValidationFraction = 0, CacheFolder = _fixture.Cache, Threads = 2 }).Classifier);
        Assert.Equal(model.Head!.Weights.ToArray(), single.Head!.Weights.ToArray());
        Assert.NotEqual(plain.Select(p => p.ProbabilityMale), single.Predict(images).Select(p => p.ProbabilityMale));
    }

    [Fact]
    public void Transfer_WithAValidationSplit_ListsAStrayFileOnce()
    {
        string root = Path.Combine(_fixture.Root, "stray");
        foreach (string f in _fixture.Files)
        {
            string target = Path.Combine(root, Path.GetFileName(Path.GetDirectoryName(f))!, Path.GetFileName(f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
        File.WriteAllText(Path.Combine(root, "README.md"), "notes");
        var result = Trainer.Fit(new TransferRecipe(TransferBackbone.FaceResNet) { ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0] },
            Data.Dataset.Load(root, GenderLabels.Options), null, new TrainingOptions { ValidationFraction = 0.4, CacheFolder = _fixture.Cache, Threads = 2 });
        Assert.EndsWith("README.md", Assert.Single(result.Skipped).Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Transfer_ReportsTheEmbeddingPass_ThenNothingWhenTheCacheHasIt()
    {
        string cache = Path.Combine(_fixture.Root, "progress-cache");
        var reports = new List<TrainingProgress>();
        var recipe = new TransferRecipe(TransferBackbone.FaceResNet) { ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [1.0] };
        var options = new TrainingOptions { ValidationFraction = 0, CacheFolder = cache, Threads = 2 };
        Trainer.Fit(recipe, _fixture.Dataset, null, options, new SyncProgress(reports.Add));
        var last = reports[^1];
        Assert.Equal((TrainingProgress.EmbeddingPhase, 10, 10), (last.Phase, last.Batch, last.Batches));
        Assert.All(reports, r => Assert.Equal(TrainingProgress.EmbeddingPhase, r.Phase));
        reports.Clear();
        Trainer.Fit(recipe, _fixture.Dataset, null, options, new SyncProgress(reports.Add));
        Assert.Empty(reports);
    }

    [Theory]
    [InlineData(TransferHead.Logistic)]
    [InlineData(TransferHead.Mlp)]
    [InlineData(TransferHead.Gbdt)]
    public void Transfer_ColdThenWarmCache_WritesTheSameBytes_AndNotesWhatTheCacheDid(TransferHead head)
    {
        string cache = Path.Combine(_fixture.Root, $"bytes-cache-{head}");
        var notes = new List<string>();
        var recipe = new TransferRecipe(TransferBackbone.FaceResNet)
        {
            ModelsFolder = FaceApiFixture.ModelsFolder, CValues = [0.1, 1.0], Head = head,
            Boosting = new GenderML.Trees.GradientBoostingOptions { Trees = 10, Leaves = 3, MinExamplesPerLeaf = 2, LearningRate = 0.3 },
        };
        var options = new TrainingOptions { ValidationFraction = 0.4, CacheFolder = cache, Threads = 2, Seed = 3, Notes = notes.Add };
        byte[] Train(string name)
        {
            string path = Path.Combine(_fixture.Root, $"{name}-{head}.zip");
            Trainer.Fit(recipe, _fixture.Dataset, null, options).Classifier.Save(path);
            return File.ReadAllBytes(path);
        }
        byte[] cold = Train("cold");
        Assert.Contains(notes, n => n.Contains(" 0 from the cache", StringComparison.Ordinal));
        notes.Clear();
        byte[] warm = Train("warm");
        Assert.Contains(notes, n => n.Contains(" 0 computed", StringComparison.Ordinal));
        Assert.Equal(cold, warm);
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Fact]
    public void Transfer_Load_WithoutTheReadoutKey_ReadsTheDescriptor_AsModelsSavedBeforeItDid()
    {
        foreach (var features in new[] { FaceResNetFeatures.Descriptor, FaceResNetFeatures.StageMeans })
        {
            string path = Path.Combine(_fixture.Root, $"readout-{features}.zip");
            TrainTransfer(TransferBackbone.FaceResNet, features: features).Classifier.Save(path);
            var contents = ModelArchive.Load(path);
            var architecture = System.Text.Json.Nodes.JsonNode.Parse(contents.Manifest.Architecture.GetRawText())!.AsObject();
            Assert.Equal(features.ToString(), (string?)architecture["resnetFeatures"]);
            architecture.Remove("resnetFeatures");
            using var doc = System.Text.Json.JsonDocument.Parse(architecture.ToJsonString());
            using var stream = new MemoryStream(contents.Entries["weights.safetensors"]);
            var tensors = SafeTensors.Load(stream).Tensors;
            var info = new ClassifierInfo { Kind = "transfer", Architecture = "", Preprocessing = FaceNetClassifier.Preprocessing(TransferBackbone.FaceResNet) };
            if (features == FaceResNetFeatures.Descriptor)
            {
                var legacy = Assert.IsType<FaceNetClassifier>(ModelStore.LoadFaceApi(path, doc.RootElement, info, tensors, 1, contents.Entries, FaceApiFixture.ModelsFolder));
                Assert.Equal(FaceResNetFeatures.Descriptor, legacy.ResNetFeatures);
            }
            else
            {
                var e = Assert.Throws<ModelFormatException>(() => ModelStore.LoadFaceApi(path, doc.RootElement, info, tensors, 1, contents.Entries, FaceApiFixture.ModelsFolder));
                Assert.Contains("640 head features do not fit", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Embeddings_InTheFeatureCache_MissThenHit_SameEmbeddings_NewFileIsAMiss()
    {
        var embedder = new Embedder(FaceApiFixture.ModelsFolder, resnet: FaceResNetFeatures.Descriptor, ageGender: false, framing: null, threads: 2);
        string[] files = _fixture.Files;
        var first = embedder.EmbedFiles(files, _fixture.Cache, null, new string?[files.Length], out var cold);
        Assert.Equal(new EmbeddingStats(0, files.Length, 0), cold);
        var second = embedder.EmbedFiles(files, _fixture.Cache, null, new string?[files.Length], out var warm);
        Assert.Equal(new EmbeddingStats(files.Length, 0, 0), warm);
        for (int i = 0; i < files.Length; i++) Assert.Equal(first[i].ResNet, second[i].ResNet);
        // The key is the content: a renamed copy hits, a different reframing misses.
        string copy = Path.Combine(_fixture.Root, "renamed.jpg");
        File.Copy(files[0], copy);
        embedder.EmbedFiles([copy], _fixture.Cache, null, new string?[1], out var renamed);
        Assert.Equal(new EmbeddingStats(1, 0, 0), renamed);
        embedder.EmbedFiles([copy], _fixture.Cache, new InputDistortion(0.7, null), new string?[1], out var reframed);
        Assert.Equal(new EmbeddingStats(0, 1, 0), reframed);
    }

    [Fact]
    public void Transfer_Load_MissingOrDifferentBackbone_NamesTheFileAndTheFix()
    {
        string path = Path.Combine(_fixture.Root, "model.zip");
        TrainTransfer(TransferBackbone.FaceResNet).Classifier.Save(path);
        var contents = ModelArchive.Load(path);
        using var stream = new MemoryStream(contents.Entries["weights.safetensors"]);
        var tensors = SafeTensors.Load(stream).Tensors;
        var info = new ClassifierInfo { Kind = "transfer", Architecture = "", Preprocessing = FaceNetClassifier.Preprocessing(TransferBackbone.FaceResNet) };
        string folder = Path.Combine(_fixture.Root, "other-models");
        Directory.CreateDirectory(folder);

        var missing = Assert.Throws<ModelFormatException>(() => ModelStore.LoadFaceApi(path, contents.Manifest.Architecture, info, tensors, 1, contents.Entries, folder));
        Assert.Contains("face_recognition_model.bin", missing.Message, StringComparison.Ordinal);
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/fetch-models.sh", missing.Message, StringComparison.Ordinal);

        File.WriteAllBytes(Path.Combine(folder, "face_recognition_model.bin"), [1, 2, 3]);
        var altered = Assert.Throws<ModelFormatException>(() => ModelStore.LoadFaceApi(path, contents.Manifest.Architecture, info, tensors, 1, contents.Entries, folder));
        Assert.Contains("face_recognition_model.bin", altered.Message, StringComparison.Ordinal);
        Assert.Contains("was built on", altered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Pretrained_FromFiles_CountsEveryImage()
    {
        var notes = new List<string>();
        var report = Evaluator.Evaluate(PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2), _fixture.Dataset,
            new ModelEvaluationOptions { CacheFolder = _fixture.Cache, Notes = notes.Add, Threads = 2 });
        Assert.Equal(10, report.N);
        Assert.Empty(report.Skipped);
        Assert.Contains(notes, n => n.Contains("10 computed", StringComparison.Ordinal));
        Assert.Equal(_fixture.Dataset.Items.Select(i => i.Path), report.Predictions.Select(p => p.Path));
    }

    [Fact]
    public void Evaluate_DetectFaces_ReportsPhotosWithoutAFace()
    {
        string root = Path.Combine(_fixture.Root, "photos");
        Directory.CreateDirectory(Path.Combine(root, "female"));
        Directory.CreateDirectory(Path.Combine(root, "male"));
        File.Copy(Path.Combine(FaceApiFixture.GoldenFolder, "scene1.png"), Path.Combine(root, "female", "scene1.png"));
        var blank = new Image(64, 64, PixelFormat.Rgb24);
        blank.SavePng(Path.Combine(root, "male", "blank.png"));
        var report = Evaluator.Evaluate(PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, 2, detectFaces: true),
            Data.Dataset.Load(root, GenderLabels.Options), new ModelEvaluationOptions { CacheFolder = _fixture.Cache, Threads = 2 });
        Assert.Equal(1, report.N);
        Assert.EndsWith("scene1.png", Assert.Single(report.Predictions).Path, StringComparison.Ordinal);
        var skipped = Assert.Single(report.Skipped);
        Assert.EndsWith("blank.png", skipped.Path, StringComparison.Ordinal);
        Assert.Equal("no face found", skipped.Reason);
    }
}
