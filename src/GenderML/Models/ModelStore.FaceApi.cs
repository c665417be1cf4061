using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Linear;
using GenderML.Transfer;

namespace GenderML.Models;

/// <summary>
/// The face-api kinds (<c>pretrained</c>, <c>transfer*</c>): the head (<c>weight</c>, <c>bias</c>, or <c>mlp.*</c>, or
/// <c>trees.bin</c>) and standardisation (<c>mean</c>, <c>std</c>) in <c>weights.safetensors</c>, or, fine-tuned, every
/// tensor
/// of the trained stage and head under <c>finetune.{name}</c>; the frozen backbone weights are not copied but
/// referenced
/// by file name and sha256 in the manifest's architecture (<c>backboneFiles</c>), and checked on load.
/// </summary>
internal static partial class ModelStore
{
    private const string FineTunePrefix = "finetune.";

    public static void Save(string path, FaceNetClassifier c)
    {
        var files = new JsonObject();
        foreach (var (name, sha) in c.BackboneFiles.OrderBy(p => p.Key, StringComparer.Ordinal)) files[name] = sha;
        var architecture = new JsonObject
        {
            ["description"] = c.Info.Architecture,
            ["backbone"] = c.Backbone?.ToString() ?? PretrainedKind,
            ["mirror"] = c.Mirror,
            ["resnetFeatures"] = c.ResNetFeatures.ToString(),
            ["backboneFiles"] = files,
        };
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (c.Head is { } head)
        {
            architecture["features"] = head.Features;
            architecture["intercept"] = head.Intercept;
            tensors["weight"] = new([head.Features], head.Weights.ToArray());
            tensors["bias"] = new([1], [(float)head.Intercept]);
            tensors["mean"] = new([head.Features], (float[])c.Mean!.Clone());
            tensors["std"] = new([head.Features], (float[])c.Std!.Clone());
        }
        if (c.Mlp is { } mlp)
        {
            architecture["head"] = "mlp";
            architecture["features"] = mlp.Features;
            architecture["hidden"] = MlpHead.Hidden;
            foreach (var p in mlp.Network.State()) tensors["mlp." + p.Name] = new(p.Value.ShapeArray(), p.Value.Data.ToArray());
            tensors["mean"] = new([mlp.Features], (float[])c.Mean!.Clone());
            tensors["std"] = new([mlp.Features], (float[])c.Std!.Clone());
        }
        Dictionary<string, byte[]>? extra = null;
        if (c.Trees is { } trees)
        {
            architecture["head"] = "gbdt";
            architecture["features"] = trees.FeatureCount;
            tensors["mean"] = new([trees.FeatureCount], (float[])c.Mean!.Clone());
            tensors["std"] = new([trees.FeatureCount], (float[])c.Std!.Clone());
            using var bytes = new MemoryStream();
            trees.Save(bytes);
            extra = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [TreesEntry] = bytes.ToArray() };
        }
        Write(path, c.Info, architecture, tensors, extra);
    }

    public static void Save(string path, FineTunedClassifier c)
    {
        var files = new JsonObject();
        foreach (var (name, sha) in c.BackboneFiles.OrderBy(p => p.Key, StringComparer.Ordinal)) files[name] = sha;
        var architecture = new JsonObject
        {
            ["description"] = c.Info.Architecture,
            ["backbone"] = TransferBackbone.FaceResNet.ToString(),
            ["backboneFiles"] = files,
            ["fineTune"] = new JsonObject { ["frozenThrough"] = FineTuneNetwork.PrefixEnd, ["flipTest"] = c.Network.FlipTest },
        };
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var p in c.Network.Network.State()) tensors[FineTunePrefix + p.Name] = p.Value.Clone();
        Write(path, c.Info, architecture, tensors);
    }

    internal static TrainedClassifier LoadFaceApi(string path, JsonElement a, ClassifierInfo info, IReadOnlyDictionary<string, Tensor> tensors, int threads,
        IReadOnlyDictionary<string, byte[]>? entries = null, string? modelsFolder = null)
    {
        string backboneName = a.GetProperty("backbone").GetString() ?? "";
        TransferBackbone? backbone = backboneName == PretrainedKind ? null : Enum.Parse<TransferBackbone>(backboneName, ignoreCase: false);
        var framing = info.Preprocessing.Framing is FaceFraming f ? f.With(modelsFolder, threads) : LegacyFraming(path, a, modelsFolder, threads);
        bool mirror = a.TryGetProperty("mirror", out var mi) && mi.ValueKind == JsonValueKind.True;
        // Models saved before the stage means existed read the descriptor.
        var readout = FaceResNetFeatures.Descriptor;
        if (a.TryGetProperty("resnetFeatures", out var rf) && !Enum.TryParse(rf.GetString(), ignoreCase: false, out readout))
            throw new ModelFormatException(path, $"resnetFeatures '{rf}' is not one of {string.Join(", ", Enum.GetNames<FaceResNetFeatures>())}");
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in a.GetProperty("backboneFiles").EnumerateObject()) files[p.Name] = p.Value.GetString() ?? "";
        foreach (var (file, sha) in files)
        {
            // The model references the face-api weights by sha256 instead of including them: they are packaged.
            string weightPath = FaceApi.ModelFiles.Describe(modelsFolder, file);
            string actual;
            try { actual = FaceModelsFolder.Hashes(modelsFolder, [file])[file]; }
            catch (FileNotFoundException e)
            {
                throw new ModelFormatException(path, $"this {info.Kind} model's backbone weight file is missing: {e.Message}");
            }
            if (actual != sha)
                throw new ModelFormatException(path, $"the backbone weight file {weightPath} has sha256 {actual}, but this model "
                    + $"was built on {sha}; " + (modelsFolder is null
                        ? "it needs other face-api weights: pass a folder that holds them (faceModelsFolder)"
                        : FaceApi.ModelFiles.FetchHint));
        }
        if (a.TryGetProperty("fineTune", out _)) return LoadFineTuned(path, a, info, tensors, threads, modelsFolder, files, framing);
        if (backbone is not { } b) return new FaceNetClassifier(info, null, framing, modelsFolder, files, null, null, null, threads, mirror: mirror);
        int d = a.GetProperty("features").GetInt32();
        if (d != FaceNetClassifier.FeatureLength(b, readout)) throw new ModelFormatException(path, string.Create(CultureInfo.InvariantCulture, $"{d} head features do not fit the {b} backbone"));
        foreach (var (name, len) in new[] { ("mean", d), ("std", d) })
            if (!tensors.TryGetValue(name, out var t) || !t.Shape.SequenceEqual([len]))
                throw new ModelFormatException(path, $"tensor '{name}' is missing or misshapen (expected [{len}])");
        if (a.TryGetProperty("head", out var gh) && gh.GetString() == "gbdt")
        {
            if (entries is null || !entries.TryGetValue(TreesEntry, out var treeBytes)) throw new ModelFormatException(path, $"{TreesEntry} is missing");
            using var stream = new MemoryStream(treeBytes, writable: false);
            var trees = Trees.GradientBoostedTrees.Load(stream);
            if (trees.FeatureCount != d) throw new ModelFormatException(path, string.Create(CultureInfo.InvariantCulture, $"the trees read {trees.FeatureCount} features, the {b} backbone gives {d}"));
            return new FaceNetClassifier(info, b, framing, modelsFolder, files, tensors["mean"].Data.ToArray(), tensors["std"].Data.ToArray(), null, threads,
                trees: trees, mirror: mirror, resnetFeatures: readout);
        }
        if (a.TryGetProperty("head", out var h) && h.GetString() == "mlp")
        {
            var network = MlpHead.Build(d, 0);
            foreach (var p in network.State())
            {
                if (!tensors.TryGetValue("mlp." + p.Name, out var t) || !t.Shape.SequenceEqual(p.Value.Shape))
                    throw new ModelFormatException(path, $"tensor 'mlp.{p.Name}' is missing or misshapen");
                t.Data.CopyTo(p.Value.Data, 0);
            }
            return new FaceNetClassifier(info, b, framing, modelsFolder, files, tensors["mean"].Data.ToArray(), tensors["std"].Data.ToArray(), null, threads,
                MlpHead.FromNetwork(network, d), mirror: mirror, resnetFeatures: readout);
        }
        foreach (var (name, len) in new[] { ("weight", d), ("bias", 1) })
            if (!tensors.TryGetValue(name, out var t) || !t.Shape.SequenceEqual([len]))
                throw new ModelFormatException(path, $"tensor '{name}' is missing or misshapen (expected [{len}])");
        var head = new LogisticModel(tensors["weight"].Data, a.GetProperty("intercept").GetDouble());
        return new FaceNetClassifier(info, b, framing, modelsFolder, files, tensors["mean"].Data.ToArray(), tensors["std"].Data.ToArray(), head, threads,
            mirror: mirror, resnetFeatures: readout);
    }

    /// <summary>
    /// The framing of a face-api model saved before framings were recorded in <c>preprocessing</c>:
    /// <c>canonicalMargin</c>
    /// (absent or null: none), <c>canonicalDetectorSize</c> (absent: 160) and <c>detectFaces</c> in the architecture.
    /// </summary>
    private static FaceFraming? LegacyFraming(string path, JsonElement a, string? modelsFolder, int threads)
    {
        double? margin = a.TryGetProperty("canonicalMargin", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetDouble() : null;
        bool photos = a.TryGetProperty("detectFaces", out var df) && df.ValueKind == JsonValueKind.True;
        int size = a.TryGetProperty("canonicalDetectorSize", out var ds) && ds.ValueKind == JsonValueKind.Number
            ? ds.GetInt32() : FaceFraming.LegacyDetectorSize;
        try
        {
            return photos ? FaceFraming.ForPhotos(margin ?? 0, modelsFolder, threads)
                : margin is { } value ? FaceFraming.Canonical(value, size, modelsFolder, threads) : null;
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ModelFormatException(path, string.Create(CultureInfo.InvariantCulture,
                $"canonical framing with margin {margin} and detector size {size}: {e.Message.Split(" (Parameter")[0]}"));
        }
    }

    private static FineTunedClassifier LoadFineTuned(string path, JsonElement a, ClassifierInfo info, IReadOnlyDictionary<string, Tensor> tensors, int threads,
        string? modelsFolder, IReadOnlyDictionary<string, string> files, FaceFraming? framing)
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
            if (!tensors.TryGetValue(FineTunePrefix + p.Name, out var t) || !t.Shape.SequenceEqual(p.Value.Shape))
                throw new ModelFormatException(path, $"tensor '{FineTunePrefix}{p.Name}' is missing or misshapen (expected {p.Value})");
            t.Data.CopyTo(p.Value.Data, 0);
        }
        var known = state.Select(p => FineTunePrefix + p.Name).ToHashSet(StringComparer.Ordinal);
        if (tensors.Keys.FirstOrDefault(k => !known.Contains(k)) is { } extra)
            throw new ModelFormatException(path, $"unexpected tensor '{extra}' in a fine-tuned transfer model");
        return new FineTunedClassifier(info, framing, modelsFolder, files, net, threads);
    }
}
