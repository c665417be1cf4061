using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Models;

namespace GenderML.MLNet;

/// <summary>
/// The <c>mlnet</c> model kind: a GenderML <c>.zip</c> whose manifest says which features GenderML computes and whose
/// <c>mlnet.zip</c> entry is the ML.NET model that scores them. Pass <see cref="Kind"/> to
/// <see cref="GenderClassifier.Load"/> to read such files.
/// </summary>
public sealed class MLNetModels : ModelKind
{
    private const string Entry = "mlnet.zip";

    private MLNetModels() : base("mlnet")
    {
    }

    /// <summary>The one instance.</summary>
    public static MLNetModels Kind { get; } = new();

    internal void Save(string path, MLNetClassifier c)
    {
        var architecture = new JsonObject
        {
            ["description"] = c.Info.Architecture, ["features"] = c.Features.ToString(), ["mirror"] = c.Mirror,
        };
        Write(path, c.Info, architecture, new Dictionary<string, byte[]>(StringComparer.Ordinal) { [Entry] = c.Model });
    }

    /// <inheritdoc/>
    protected override IGenderClassifier Read(SavedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Entries.TryGetValue(Entry, out var bytes)) throw new ModelFormatException(model.Path, $"{Entry} is missing");
        string? features = model.Architecture.TryGetProperty("features", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (!Enum.TryParse<MLNetFeatures>(features, ignoreCase: false, out var kind))
            throw new ModelFormatException(model.Path, $"features '{features}' is not one of {string.Join(", ", Enum.GetNames<MLNetFeatures>())}");
        try
        {
            bool mirror = model.Architecture.TryGetProperty("mirror", out var m) && m.ValueKind == JsonValueKind.True;
            return new MLNetClassifier(model.Info, kind, mirror, bytes, model.Threads);
        }
        catch (Exception e) when (e is not ModelFormatException)
        {
            throw new ModelFormatException(model.Path, $"{Entry} is not an ML.NET model this version reads: {e.Message}", e);
        }
    }
}
