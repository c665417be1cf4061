using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML.Batch.Processors;

/// <summary>
/// <see cref="BatchKind.Embed"/>: the frozen-network outputs a transfer recipe trains its head on, computed as its
/// training computes them (<see cref="EmbeddingSource"/>): the face ResNet's part, then the age/gender net's, whichever
/// the backbone uses. An image without a face where the framing needs one gets the status <c>no face found</c>, as in
/// training.
/// </summary>
internal sealed class EmbedProcessor : BatchProcessor
{
    private readonly Embedder _embedder;

    private EmbedProcessor(Embedder embedder, string model, string hash) : base(model, hash) => _embedder = embedder;

    public static EmbedProcessor Load(BatchOptions options, int threads)
    {
        var source = EmbeddingSource.ForPreset(options.Model, options.FaceModelsFolder, threads);
        return new EmbedProcessor(source.CreateEmbedder(), options.Model ?? BatchOptions.DefaultEmbedModel, source.Hash);
    }

    public override void Process(IReadOnlyList<BatchRow> rows, IReadOnlyList<string> files, int threads)
    {
        var (good, images) = Decode(rows, files, threads, f => Image.Load(f));
        if (images.Length == 0) return;
        var found = new bool?[images.Length];
        var embedded = _embedder.Embed(images, out _, found);
        for (int k = 0; k < good.Length; k++)
        {
            var row = rows[good[k]];
            var (resnet, ageGender) = embedded[k];
            row.FaceFound = found[k];
            if (resnet is null && ageGender is null)
            {
                row.Status = NoFace;
                continue;
            }
            row.Embedding = [.. resnet ?? [], .. ageGender ?? []];
        }
    }

    /// <summary>The status of an image whose framing found no face where the recipe needs one (as training says).</summary>
    public const string NoFace = "no face found";
}
