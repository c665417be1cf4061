using GenderML.Core;

namespace GenderML.FaceApi;

/// <summary>Where the face-api weights live and how much of the machine the networks may use.</summary>
/// <param name="ModelsFolder">The folder holding the face-api 1.7.15 weight files (<c>models/face-api</c> after <c>scripts/fetch-models.sh</c>).</param>
public sealed record FaceModelOptions(string ModelsFolder)
{
    /// <summary>Threads for the convolutions; null uses every core.</summary>
    public ComputeOptions? Compute { get; init; }

    /// <summary>Images run through a network at once; larger batches use more memory. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// The folder used when none is given: the first <c>models/face-api</c> found walking up from the current folder,
    /// then from the program's folder; else <c>models/face-api</c> under the current folder (reported as missing on load).
    /// </summary>
    public static string FindDefaultFolder() => Transfer.FaceModelsFolder.Default();

    /// <summary>The thread count the options allow.</summary>
    internal int Threads => Compute?.Threads ?? Environment.ProcessorCount;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ModelsFolder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        if (!Directory.Exists(ModelsFolder))
            throw new DirectoryNotFoundException($"{ModelsFolder}: face-api models folder not found; {ModelFiles.FetchHint}");
    }

    /// <summary>Runs <paramref name="run"/> on consecutive slices of at most <see cref="BatchSize"/> items.</summary>
    internal void ForEachBatch<T>(IReadOnlyList<T> items, Action<IReadOnlyList<T>, int> run)
    {
        for (int start = 0; start < items.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, items.Count - start);
            var slice = new T[count];
            for (int i = 0; i < count; i++) slice[i] = items[start + i];
            run(slice, start);
        }
    }
}
