using System.Text.Json.Nodes;

namespace GenderML.Models;

/// <summary>
/// A model kind another assembly supplies (GenderML.MLNet's <c>mlnet</c>, for one): it writes its models into GenderML's
/// one <c>.zip</c> format (Models/README.md: a manifest plus entries, each checked by size and SHA-256 on load) and builds
/// the classifier back from them when <see cref="GenderClassifier.Load"/> is given it.
/// </summary>
public abstract class ModelKind
{
    /// <summary>A kind named <paramref name="name"/>: lower-case ASCII letters, digits and '-', not one of GenderML's own.</summary>
    /// <exception cref="ArgumentException">The name is malformed or one of GenderML's own kinds.</exception>
    protected ModelKind(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            throw new ArgumentException($"model kind '{name}': use lower-case ASCII letters, digits and '-'", nameof(name));
        if (ModelStore.Kinds.Contains(name) || name == ModelStore.PretrainedKind)
            throw new ArgumentException($"model kind '{name}' is one of GenderML's own", nameof(name));
        Name = name;
    }

    /// <summary>The kind written into the manifest (<see cref="ClassifierInfo.Kind"/> of every model of this kind).</summary>
    public string Name { get; }

    /// <summary>The classifier a model file of this kind holds.</summary>
    /// <exception cref="ModelFormatException">The entries do not make a model of this kind.</exception>
    protected abstract IGenderClassifier Read(SavedModel model);

    internal IGenderClassifier ReadModel(SavedModel model) => Read(model);

    /// <summary>
    /// Writes a model of this kind to <paramref name="path"/> (a temporary file renamed over it): a manifest with
    /// <paramref name="info"/> and <paramref name="architecture"/>, and <paramref name="entries"/> by name.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="info"/>'s kind is not <see cref="Name"/>, or an entry name is
    /// reserved (<c>manifest.json</c>, <c>curves.json</c>, <c>weights.safetensors</c>).</exception>
    protected void Write(string path, ClassifierInfo info, JsonObject architecture, IReadOnlyDictionary<string, byte[]> entries)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(entries);
        if (info.Kind != Name) throw new ArgumentException($"ClassifierInfo.Kind is '{info.Kind}', not '{Name}'", nameof(info));
        if (entries.Keys.FirstOrDefault(k => k is "manifest.json" or "curves.json" or "weights.safetensors") is { } reserved)
            throw new ArgumentException($"entry name '{reserved}' is reserved by the model store", nameof(entries));
        ModelStore.Write(path, info, architecture, new Dictionary<string, Core.Tensor>(), entries);
    }
}
