using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Models;

namespace GenderML.Transfer;

/// <summary>
/// Fine-tuned transfer models ↔ <c>.zip</c>: every tensor of the fine-tuned stage and head under <c>finetune.{name}</c> in
/// <c>weights.safetensors</c> (the model is self-contained for them); the frozen prefix's weights are referenced by file
/// name and sha256 in the manifest (<c>backboneFiles</c>, checked by <see cref="TransferStore.Load"/>). Loading is strict:
/// every tensor present with its shape, none extra.
/// </summary>
internal static class FineTuneStore
{
    private const string Prefix = "finetune.";

    public static void Save(string path, FineTunedClassifier c)
    {
        var files = new JsonObject();
        foreach (var (name, sha) in c.BackboneFiles.OrderBy(p => p.Key, StringComparer.Ordinal)) files[name] = sha;
        var architecture = new JsonObject
        {
            ["description"] = c.Info.Architecture,
            ["backbone"] = TransferBackbone.FaceResNet.ToString(),
            ["canonicalMargin"] = c.CanonicalMargin,
            ["canonicalDetectorSize"] = c.FramingDetectorSize,
            ["detectFaces"] = false,
            ["backboneFiles"] = files,
            ["fineTune"] = new JsonObject { ["frozenThrough"] = FineTuneNetwork.PrefixEnd, ["flipTest"] = c.Network.FlipTest },
        };
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var p in c.Network.Network.State()) tensors[Prefix + p.Name] = p.Value.Clone();
        ModelStore.Write(path, c.Info, architecture, tensors);
    }

    public static FineTunedClassifier Load(string path, JsonElement a, ClassifierInfo info, IReadOnlyDictionary<string, Tensor> tensors, int threads,
        string? modelsFolder, IReadOnlyDictionary<string, string> files, double? margin, int framingDetectorSize)
    {
        var ft = a.GetProperty("fineTune");
        string through = ft.GetProperty("frozenThrough").GetString() ?? "";
        if (through != FineTuneNetwork.PrefixEnd)
            throw new ModelFormatException(path, $"this model fine-tunes after '{through}'; this GenderML fine-tunes after '{FineTuneNetwork.PrefixEnd}' only");
        if (!files.ContainsKey("face_recognition_model.bin"))
            throw new ModelFormatException(path, "a fine-tuned transfer model must reference face_recognition_model.bin in backboneFiles");
        var net = new FineTuneNetwork { FlipTest = ft.GetProperty("flipTest").GetBoolean() };
        var state = net.Network.State();
        foreach (var p in state)
        {
            if (!tensors.TryGetValue(Prefix + p.Name, out var t) || !t.Shape.SequenceEqual(p.Value.Shape))
                throw new ModelFormatException(path, $"tensor '{Prefix}{p.Name}' is missing or misshapen (expected {p.Value})");
            t.Data.CopyTo(p.Value.Data, 0);
        }
        var known = state.Select(p => Prefix + p.Name).ToHashSet(StringComparer.Ordinal);
        if (tensors.Keys.FirstOrDefault(k => !known.Contains(k)) is { } extra)
            throw new ModelFormatException(path, $"unexpected tensor '{extra}' in a fine-tuned transfer model");
        return new FineTunedClassifier(info, margin, modelsFolder, files, net, threads, framingDetectorSize);
    }
}
