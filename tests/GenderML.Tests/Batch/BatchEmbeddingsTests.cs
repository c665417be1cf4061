using GenderML.Batch;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Transfer;

namespace GenderML.Tests.Batch;

public sealed class BatchEmbeddingsTests : IDisposable
{
    private readonly BatchFaces _faces = BatchFaces.Create(15, "train");

    public void Dispose() => _faces.Dispose();

    private static TransferRecipe Recipe(string cache, List<string>? notes = null)
    {
        var recipe = (TransferRecipe)ClassifierPresets.Create("transfer");
        return recipe with { Training = recipe.Training with { CacheFolder = cache, Threads = 2, Notes = notes is null ? null : notes.Add } };
    }

    [Fact]
    public void TrainingFromBatchEmbeddings_GivesTheModelOfOneMachineTraining()
    {
        string embeddings = Path.Combine(_faces.Root, "embeddings");
        var input = BatchInput.Open(_faces.Images);
        for (int i = 0; i < 2; i++)
            BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Embed, OutputFolder = embeddings, Shard = new Shard(i, 2), PartSize = 8, Threads = 2 });
        var data = Dataset.Load(_faces.Images, GenderLabels.Options);

        // The batch rows are what training's own embedder computes for the same files.
        var rows = BatchOutput.Open(embeddings).ReadRows().ToList();
        List<string> batchNotes = [], oneMachineNotes = [];
        var recipe = Recipe(Path.Combine(_faces.Root, "cache-batch"), batchNotes);
        var embedder = recipe.TrainingEmbedder(recipe.Framing(2), 2);
        var errors = new string?[rows.Count];
        var direct = embedder.EmbedFiles([.. rows.Select(r => input.FileOf(r.Path))], Path.Combine(_faces.Root, "cache-direct"), null, errors, out _);
        for (int i = 0; i < rows.Count; i++) Assert.Equal([.. direct[i].ResNet ?? [], .. direct[i].AgeGender ?? []], rows[i].Embedding!);

        Assert.Equal(30, BatchEmbeddings.Import(BatchOutput.Open(embeddings), recipe, data, recipe.Training.CacheFolder));
        var fromBatch = Trainer.Fit(recipe, data);
        var oneMachine = Trainer.Fit(Recipe(Path.Combine(_faces.Root, "cache-one"), oneMachineNotes), data);
        Assert.Contains(batchNotes, n => n.StartsWith("training embeddings: 28 from the cache, 0 computed", StringComparison.Ordinal));
        Assert.Contains(oneMachineNotes, n => n.StartsWith("training embeddings: 0 from the cache, 28 computed", StringComparison.Ordinal));
        Assert.Equal(oneMachine.Classifier.Info.Architecture, fromBatch.Classifier.Info.Architecture);
        var test = BatchFaces.Create(3);
        try
        {
            var images = Directory.GetFiles(test.Images, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => GenderClassifier.LoadImage(oneMachine.Classifier, f)).ToList();
            Assert.Equal(oneMachine.Classifier.Predict(images).Select(p => p.ProbabilityMale), fromBatch.Classifier.Predict(images).Select(p => p.ProbabilityMale));
        }
        finally
        {
            test.Dispose();
        }
    }

    [Fact]
    public void Import_RefusesAnotherKind_AnotherEmbedder_AndImagesTheJobLacks()
    {
        var input = BatchInput.Open(Path.Combine(_faces.Images, "female"));
        string inspected = Path.Combine(_faces.Root, "inspected");
        BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Inspect, OutputFolder = inspected });
        var data = Dataset.Load(_faces.Images, GenderLabels.Options);
        var recipe = Recipe(Path.Combine(_faces.Root, "cache"));
        Assert.Contains("not embeddings", Assert.Throws<InvalidDataException>(() => BatchEmbeddings.Import(BatchOutput.Open(inspected), recipe, data)).Message);

        string half = Path.Combine(_faces.Root, "female-only");
        BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Embed, OutputFolder = half, Threads = 2 });
        Assert.Contains("15 of the 30 training images have no embedding there",
            Assert.Throws<InvalidDataException>(() => BatchEmbeddings.Import(BatchOutput.Open(half), recipe, data)).Message);
        var fusion = (TransferRecipe)ClassifierPresets.Create("transfer-fusion");
        Assert.Contains("not of this recipe's embedder",
            Assert.Throws<InvalidDataException>(() => BatchEmbeddings.Import(BatchOutput.Open(half), fusion, data)).Message);
    }
}
