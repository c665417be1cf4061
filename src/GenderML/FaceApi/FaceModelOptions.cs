using GenderML.Core;

namespace GenderML.FaceApi;

/// <summary>Which face-api weights the networks read and how much of the machine they may use.</summary>
/// <param name="ModelsFolder">
/// A folder holding the face-api 1.7.15 weight files to read instead of the packaged ones; null (the default) reads
/// the weights embedded in the GenderML.FaceApi.Models package. Either way every file's sha256 is checked.
/// </param>
public sealed record FaceModelOptions(string? ModelsFolder = null)
{
    /// <summary>Threads for the convolutions; null uses every core.</summary>
    public ComputeOptions? Compute { get; init; }

    /// <summary>Images run through a network at once; larger batches use more memory. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The thread count the options allow.</summary>
    internal int Threads => Compute?.Threads ?? Environment.ProcessorCount;

    internal void Validate()
    {
        if (ModelsFolder is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(ModelsFolder);
            if (!Directory.Exists(ModelsFolder))
                throw new DirectoryNotFoundException(
                    $"{ModelsFolder}: face-api models folder (ModelsFolder) not found; {ModelFiles.FetchHint}");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
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
