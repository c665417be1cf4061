namespace GenderML.Data;

public sealed partial class Dataset
{
    /// <summary>
    /// Checks every item's file on all cores (<paramref name="threads"/> ≤ 0) and moves the bad ones to
    /// <see cref="Skipped"/> with the reason: <see cref="ValidationLevel.Header"/> reads only the header
    /// (format, size); <see cref="ValidationLevel.Decode"/> also decodes the pixels (at a reduced size).
    /// Returns the checked dataset and the stored size of each remaining item.
    /// </summary>
    public ValidationResult Validate(ValidationLevel level = ValidationLevel.Decode, int threads = 0)
    {
        var sizes = new ImageSize[Items.Count];
        var errors = new string?[Items.Count];
        var kinds = new SkipKind[Items.Count];
        ParallelChunks.For(Items.Count, 64, ParallelChunks.Threads(threads), (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                var (w, h, error) = ImageHeader.Read(Items[i].Path);
                kinds[i] = error is not null && error.StartsWith("cannot read", StringComparison.Ordinal) ? SkipKind.Unreadable : SkipKind.Corrupt;
                if (error is null && level == ValidationLevel.Decode) error = ImageDecoding.Check(Items[i].Path);
                errors[i] = error;
                sizes[i] = new ImageSize(w, h);
            }
        });
        var good = new List<DatasetItem>(Items.Count);
        var goodSizes = new List<ImageSize>(Items.Count);
        var skipped = new List<SkippedFile>(Skipped);
        for (int i = 0; i < Items.Count; i++)
        {
            if (errors[i] is { } e) { skipped.Add(new SkippedFile(Items[i].Path, kinds[i], e)); continue; }
            good.Add(Items[i]);
            goodSizes.Add(sizes[i]);
        }
        return new ValidationResult(new Dataset(Root, [.. ClassNames], good, skipped), goodSizes);
    }
}

/// <summary>How thoroughly <see cref="Dataset.Validate"/> checks each file.</summary>
public enum ValidationLevel
{
    /// <summary>Read the header only: the format is known and the stated size is sane. Fast; misses truncated pixel data.</summary>
    Header,

    /// <summary>Also decode the pixels (at a reduced size): finds truncated and corrupt data.</summary>
    Decode,
}

/// <summary>A stored image size in pixels.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public readonly record struct ImageSize(int Width, int Height);

/// <summary>The outcome of <see cref="Dataset.Validate"/>.</summary>
/// <param name="Dataset">The dataset without the bad files (which are now in its <see cref="Dataset.Skipped"/>).</param>
/// <param name="Sizes">The stored size of each item of <paramref name="Dataset"/>, by index.</param>
public sealed record ValidationResult(Dataset Dataset, IReadOnlyList<ImageSize> Sizes);
