namespace GenderML.Batch;

/// <summary>What one batch task does: the kind of work, its model, the shard of the input it takes and where the
/// part files go.</summary>
public sealed record BatchOptions
{
    /// <summary>The number of images per part file unless <see cref="PartSize"/> says otherwise.</summary>
    public const int DefaultPartSize = 1000;

    /// <summary>The transfer preset whose embedding <see cref="BatchKind.Embed"/> computes unless <see cref="Model"/> names another.</summary>
    public const string DefaultEmbedModel = "transfer";

    /// <summary>The work to do for each image.</summary>
    public required BatchKind Kind { get; init; }

    /// <summary>The folder the part files and shard manifests are written to (created when missing).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>The shard of the input this task takes (<see cref="Shard.Whole"/>: all of it).</summary>
    public Shard Shard { get; init; } = Shard.Whole;

    /// <summary>
    /// The model. <see cref="BatchKind.Predict"/>: a model file or <see cref="ClassifierPresets.Pretrained"/>;
    /// <see cref="BatchKind.Embed"/>: a transfer preset of <see cref="ClassifierPresets.Names"/> (null: <see cref="DefaultEmbedModel"/>);
    /// <see cref="BatchKind.Detect"/>: <c>ssd</c> or <c>tiny</c> (null: <c>ssd</c>); <see cref="BatchKind.Inspect"/>: none.
    /// </summary>
    public string? Model { get; init; }

    /// <summary><see cref="BatchKind.Predict"/>: every face of each photo instead of the image as one face (always so
    /// for a model that takes photos).</summary>
    public bool DetectFaces { get; init; }

    /// <summary>A folder of face-api weights to read instead of the packaged ones (null: those).</summary>
    public string? FaceModelsFolder { get; init; }

    /// <summary>Images per part file: a task that is killed loses at most this many images' work.</summary>
    public int PartSize { get; init; } = DefaultPartSize;

    /// <summary>Threads for decoding and inference (0: every core).</summary>
    public int Threads { get; init; }

    /// <summary>The images decoded and run through the model at a time.</summary>
    public int ChunkSize { get; init; } = 32;
}
