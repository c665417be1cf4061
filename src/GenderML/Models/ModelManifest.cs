using System.Text.Json;

namespace GenderML.Models;

/// <summary>
/// The <c>manifest.json</c> of a model <c>.zip</c>: what the model is, how its input is prepared, how it was
/// trained and how well it did, and the list of the other entries with their sizes and SHA-256. It records no
/// wall-clock time, so the same training run gives the same bytes.
/// </summary>
internal sealed record ModelManifest
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Version of the archive layout; loading rejects any other.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The model family, e.g. "logreg", "dense", "cnn2".</summary>
    public required string Kind { get; init; }

    /// <summary>The layer structure: a preset name (JSON string) or a JSON description.</summary>
    public required JsonElement Architecture { get; init; }

    /// <summary>Class names in output order, e.g. ["female", "male"].</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>How an image becomes the model's input (a JSON object: size, channels, scaling…).</summary>
    public required JsonElement Preprocessing { get; init; }

    /// <summary>The training settings used (a JSON object).</summary>
    public required JsonElement TrainingOptions { get; init; }

    /// <summary>An identifier of the training data (e.g. SHA-256 over its file list and labels).</summary>
    public required string DatasetFingerprint { get; init; }

    /// <summary>Metrics measured at save time (a JSON object).</summary>
    public required JsonElement Metrics { get; init; }

    /// <summary>Version of the GenderML library that wrote the file.</summary>
    public string LibraryVersion { get; init; } = ModelArchive.LibraryVersion;

    /// <summary>The other entries of the archive, as written (filled in on save).</summary>
    public IReadOnlyList<ModelEntryInfo> Entries { get; init; } = [];
}
