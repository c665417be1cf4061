using System.Text.Json;

namespace GenderML.Models;

/// <summary>A model file of a <see cref="ModelKind"/> as <see cref="GenderClassifier.Load"/> read and checked it.</summary>
/// <param name="Path">The model file.</param>
/// <param name="Info">The manifest's description of the model (kind, preprocessing, training summary, metrics).</param>
/// <param name="Architecture">The manifest's <c>architecture</c> object, as the kind wrote it.</param>
/// <param name="Entries">Every entry but the manifest, by name, each checked against the manifest's size and SHA-256.</param>
/// <param name="Threads">Threads the model may use for prediction.</param>
public sealed record SavedModel(string Path, ClassifierInfo Info, JsonElement Architecture,
    IReadOnlyDictionary<string, byte[]> Entries, int Threads);
