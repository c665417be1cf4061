using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Linear;
using GenderML.Models;

namespace GenderML.Transfer;

/// <summary>
/// Transfer and pretrained models ↔ <c>.zip</c>: the head (<c>weight</c>, <c>bias</c>) and standardisation
/// (<c>mean</c>, <c>std</c>) in <c>weights.safetensors</c>; the backbone weights are not copied but referenced by file
/// name and sha256 in the manifest's architecture, and checked on load.
/// </summary>
internal static class TransferStore
{
    private const string TreesEntry = "trees.bin";

    public const string PretrainedKind = "pretrained";

    public static bool IsKind(string kind) => kind is PretrainedKind or "transfer" or "transfer-xception" or "transfer-fusion";

    /// <summary>face-api's preprocessing for the network a backbone feeds: centred zero padding to a square, RGB.</summary>
    public static PreprocessOptions Preprocessing(TransferBackbone? b) => new()
    {
        Size = b == TransferBackbone.FaceResNet || b == TransferBackbone.Fusion ? 150 : 112, Format = PixelFormat.Rgb24, Mode = ResizeMode.Pad,
    };

    public static void Save(string path, FaceNetClassifier c)
    {
        var files = new JsonObject();
        foreach (var (name, sha) in c.BackboneFiles.OrderBy(p => p.Key, StringComparer.Ordinal)) files[name] = sha;
        var architecture = new JsonObject
        {
            ["description"] = c.Info.Architecture,
            ["backbone"] = c.Backbone?.ToString() ?? PretrainedKind,
            ["canonicalMargin"] = c.CanonicalMargin,
            ["canonicalDetectorSize"] = c.FramingDetectorSize,
            ["mirror"] = c.Mirror,
            ["resnetFeatures"] = c.ResNetFeatures.ToString(),
            ["detectFaces"] = c.DetectFaces,
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
        ModelStore.Write(path, c.Info, architecture, tensors, extra);
    }

    public static TrainedClassifier Load(string path, JsonElement a, ClassifierInfo info, IReadOnlyDictionary<string, Tensor> tensors, int threads,
        IReadOnlyDictionary<string, byte[]>? entries = null, string? modelsFolder = null)
    {
        modelsFolder ??= FaceModelsFolder.Default();
        string backboneName = a.GetProperty("backbone").GetString() ?? "";
        TransferBackbone? backbone = backboneName == PretrainedKind ? null : Enum.Parse<TransferBackbone>(backboneName, ignoreCase: false);
        double? margin = a.TryGetProperty("canonicalMargin", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetDouble() : null;
        bool detect = a.TryGetProperty("detectFaces", out var df) && df.ValueKind == JsonValueKind.True;
        int size = a.TryGetProperty("canonicalDetectorSize", out var ds) && ds.ValueKind == JsonValueKind.Number ? ds.GetInt32() : CanonicalFraming.LegacyDetectorSize;
        bool mirror = a.TryGetProperty("mirror", out var mi) && mi.ValueKind == JsonValueKind.True;
        // Models saved before the stage means existed read the descriptor.
        var readout = FaceResNetFeatures.Descriptor;
        if (a.TryGetProperty("resnetFeatures", out var rf) && !Enum.TryParse(rf.GetString(), ignoreCase: false, out readout))
            throw new ModelFormatException(path, $"resnetFeatures '{rf}' is not one of {string.Join(", ", Enum.GetNames<FaceResNetFeatures>())}");
        if (size <= 0 || size % 32 != 0) throw new ModelFormatException(path, string.Create(CultureInfo.InvariantCulture, $"canonicalDetectorSize {size} is not a positive multiple of 32"));
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in a.GetProperty("backboneFiles").EnumerateObject()) files[p.Name] = p.Value.GetString() ?? "";
        foreach (var (file, sha) in files)
        {
            string weightPath = Path.Combine(modelsFolder, file);
            if (!File.Exists(weightPath))
                throw new ModelFormatException(path, $"the backbone weight file {weightPath} is missing: this {info.Kind} model references it by sha256 {sha} instead of including it; {FaceModelsFolder.FetchHint} (or pass the folder that holds it as faceModelsFolder)");
            string actual = FaceModelsFolder.Hashes(modelsFolder, [file])[file];
            if (actual != sha)
                throw new ModelFormatException(path, $"the backbone weight file {weightPath} has sha256 {actual}, but this model was built on {sha}; {FaceModelsFolder.FetchHint}");
        }
        if (a.TryGetProperty("fineTune", out _)) return FineTuneStore.Load(path, a, info, tensors, threads, modelsFolder, files, margin, size);
        if (backbone is not { } b) return new FaceNetClassifier(info, null, margin, modelsFolder, files, null, null, null, threads, detect, framingDetectorSize: size, mirror: mirror);
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
            return new FaceNetClassifier(info, b, margin, modelsFolder, files, tensors["mean"].Data.ToArray(), tensors["std"].Data.ToArray(), null, threads, detect,
                trees: trees, framingDetectorSize: size, mirror: mirror, resnetFeatures: readout);
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
            return new FaceNetClassifier(info, b, margin, modelsFolder, files, tensors["mean"].Data.ToArray(), tensors["std"].Data.ToArray(), null, threads, detect,
                MlpHead.FromNetwork(network, d), framingDetectorSize: size, mirror: mirror, resnetFeatures: readout);
        }
        foreach (var (name, len) in new[] { ("weight", d), ("bias", 1) })
            if (!tensors.TryGetValue(name, out var t) || !t.Shape.SequenceEqual([len]))
                throw new ModelFormatException(path, $"tensor '{name}' is missing or misshapen (expected [{len}])");
        var head = new LogisticModel(tensors["weight"].Data, a.GetProperty("intercept").GetDouble());
        return new FaceNetClassifier(info, b, margin, modelsFolder, files, tensors["mean"].Data.ToArray(), tensors["std"].Data.ToArray(), head, threads, detect, framingDetectorSize: size, mirror: mirror, resnetFeatures: readout);
    }
}
