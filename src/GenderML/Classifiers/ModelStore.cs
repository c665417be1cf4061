using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Core;
using GenderML.Core.Serialization;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Linear;
using GenderML.Models;
using GenderML.Trees;

namespace GenderML.Classifiers;

/// <summary>
/// Trained classifiers ↔ model <c>.zip</c> files: the manifest (kind, architecture, preprocessing, training summary,
/// metrics) plus <c>weights.safetensors</c> and, for networks, <c>curves.json</c>. Loading is strict: an unknown kind,
/// a missing, extra or misshapen tensor, or an inconsistent manifest is a <see cref="ModelFormatException"/>.
/// </summary>
internal static class ModelStore
{
    private const string Weights = "weights.safetensors", Curves = "curves.json", TreesEntry = "trees.bin";

    public static void Save(string path, LogisticClassifier classifier)
    {
        var m = classifier.Model;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["weight"] = new([m.Features], m.Weights.ToArray()),
            ["bias"] = new([1], [(float)m.Intercept]),
        };
        var architecture = new JsonObject { ["description"] = classifier.Info.Architecture, ["features"] = m.Features, ["intercept"] = m.Intercept };
        Write(path, classifier.Info, architecture, tensors);
    }

    public static void Save(string path, NeuralNetworkClassifier classifier)
    {
        var s = classifier.Spec;
        var architecture = new JsonObject
        {
            ["description"] = classifier.Info.Architecture, ["preset"] = s.Preset.ToString(), ["channels"] = s.Channels,
            ["size"] = s.Size, ["hiddenUnits"] = s.HiddenUnits, ["mean"] = NetworkSpec.Mean, ["std"] = NetworkSpec.Std,
        };
        var tensors = classifier.State.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        Write(path, classifier.Info, architecture, tensors);
    }

    public static void Save(string path, GradientBoostingClassifier classifier)
    {
        using var trees = new MemoryStream();
        classifier.Trees.Save(trees);
        var architecture = new JsonObject { ["description"] = classifier.Info.Architecture, ["features"] = classifier.Trees.FeatureCount, ["trees"] = classifier.Trees.TreeCount };
        Write(path, classifier.Info, architecture, new Dictionary<string, Tensor>(), new Dictionary<string, byte[]> { [TreesEntry] = trees.ToArray() });
    }

    public static TrainedClassifier Load(string path, int threads, string? faceModelsFolder = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file", path);
        var contents = ModelArchive.Load(path);
        var manifest = contents.Manifest;
        try
        {
            if (!manifest.Classes.SequenceEqual(GenderLabels.ClassNames))
                throw new ModelFormatException(path, $"classes [{string.Join(", ", manifest.Classes)}] are not [female, male]");
            var info = new ClassifierInfo
            {
                Kind = manifest.Kind,
                Architecture = manifest.Architecture.GetProperty("description").GetString() ?? "",
                Preprocessing = ReadPreprocessing(path, manifest.Preprocessing, faceModelsFolder, threads),
                Training = manifest.TrainingOptions.ValueKind == JsonValueKind.Object ? manifest.TrainingOptions.Deserialize<TrainingSummary>() : null,
                Metrics = manifest.Metrics.Deserialize<Dictionary<string, double>>() ?? [],
                Curves = contents.Entries.TryGetValue(Curves, out var curves) ? TrainingCurves.FromJson(System.Text.Encoding.UTF8.GetString(curves)) : null,
            };
            if (manifest.Kind == "gbdt") return LoadTrees(path, manifest.Architecture, info, contents);
            var tensors = ReadWeights(path, contents);
            return manifest.Kind switch
            {
                "logreg" => LoadLogistic(path, manifest.Architecture, info, tensors),
                var k when Transfer.TransferStore.IsKind(k) => Transfer.TransferStore.Load(path, manifest.Architecture, info, tensors, threads, contents.Entries, faceModelsFolder),
                "dense" or "cnn2" or "cnn3" or "vgg" or "rnn" or "resnet" => LoadNetwork(path, manifest.Architecture, info, tensors, threads),
                _ => throw new ModelFormatException(path, $"unknown model kind \"{manifest.Kind}\" (this GenderML knows logreg, gbdt, dense, cnn2, cnn3, vgg, rnn, resnet, transfer, transfer-xception, transfer-fusion)"),
            };
        }
        catch (Exception e) when (e is not ModelFormatException && e is KeyNotFoundException or JsonException or InvalidOperationException or InvalidDataException or ArgumentException or FormatException)
        {
            throw new ModelFormatException(path, $"inconsistent model: {e.Message}", e);
        }
    }

    private static LogisticClassifier LoadLogistic(string path, JsonElement architecture, ClassifierInfo info, IReadOnlyDictionary<string, Tensor> tensors)
    {
        int d = architecture.GetProperty("features").GetInt32();
        if (d != info.Preprocessing.BytesPerImage) throw new ModelFormatException(path, $"{d} features do not fit {info.Preprocessing.Key} inputs");
        Expect(path, tensors, ("weight", [d]), ("bias", [1]));
        // The intercept is a double; the manifest keeps it exactly (the float tensor is for other readers).
        return new LogisticClassifier(new LogisticModel(tensors["weight"].Data, architecture.GetProperty("intercept").GetDouble()), info);
    }

    private static GradientBoostingClassifier LoadTrees(string path, JsonElement architecture, ClassifierInfo info, ModelArchiveContents contents)
    {
        if (!contents.Entries.TryGetValue(TreesEntry, out var bytes)) throw new ModelFormatException(path, $"{TreesEntry} is missing");
        using var stream = new MemoryStream(bytes, writable: false);
        var trees = GradientBoostedTrees.Load(stream);
        if (trees.FeatureCount != info.Preprocessing.BytesPerImage || trees.FeatureCount != architecture.GetProperty("features").GetInt32())
            throw new ModelFormatException(path, $"the trees read {trees.FeatureCount} features; {info.Preprocessing.Key} inputs have {info.Preprocessing.BytesPerImage}");
        return new GradientBoostingClassifier(trees, info);
    }

    private static NeuralNetworkClassifier LoadNetwork(string path, JsonElement a, ClassifierInfo info, IReadOnlyDictionary<string, Tensor> tensors, int threads)
    {
        var preset = Enum.Parse<NetworkPreset>(a.GetProperty("preset").GetString() ?? "", ignoreCase: false);
        var spec = new NetworkSpec(preset, a.GetProperty("channels").GetInt32(), a.GetProperty("size").GetInt32(), a.GetProperty("hiddenUnits").GetInt32());
        if (spec.Channels != info.Preprocessing.Channels || spec.Size != info.Preprocessing.Size)
            throw new ModelFormatException(path, $"the network's {spec.Channels}×{spec.Size}×{spec.Size} input does not fit {info.Preprocessing.Key}");
        var (network, _, _) = spec.Build(seed: 0);
        var state = network.State();
        Expect(path, tensors, [.. state.Select(p => (p.Name, p.Value.ShapeArray()))]);
        foreach (var p in state) tensors[p.Name].Data.CopyTo(p.Value.Data, 0);
        return new NeuralNetworkClassifier(spec, network, info, threads);
    }

    internal static void Write(string path, ClassifierInfo info, JsonObject architecture, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, byte[]>? extra = null)
    {
        var entries = new Dictionary<string, byte[]>(extra ?? new Dictionary<string, byte[]>(), StringComparer.Ordinal);
        if (tensors.Count > 0)
        {
            using var weights = new MemoryStream();
            SafeTensors.Save(weights, tensors);
            entries[Weights] = weights.ToArray();
        }
        if (info.Curves is { } curves) entries[Curves] = System.Text.Encoding.UTF8.GetBytes(curves.ToJson());
        var p = info.Preprocessing;
        var manifest = new ModelManifest
        {
            Kind = info.Kind,
            Architecture = JsonSerializer.SerializeToElement(architecture),
            Classes = info.ClassNames,
            Preprocessing = JsonSerializer.SerializeToElement(WritePreprocessing(p)),
            TrainingOptions = info.Training is null ? JsonSerializer.SerializeToElement<object?>(null) : JsonSerializer.SerializeToElement(info.Training),
            DatasetFingerprint = info.Training?.DatasetFingerprint ?? "",
            Metrics = JsonSerializer.SerializeToElement(info.Metrics),
        };
        ModelArchive.Save(path, manifest, entries);
    }

    private static JsonObject WritePreprocessing(PreprocessOptions p)
    {
        var o = new JsonObject { ["size"] = p.Size, ["format"] = p.Format.ToString(), ["mode"] = p.Mode.ToString(), ["key"] = p.Key };
        if (p.Framing is not null)
            o["framing"] = p.Framing is FaceFraming f
                ? new JsonObject { ["kind"] = "faces", ["margin"] = f.Margin, ["detectorSize"] = f.DetectorSize }
                : throw new ArgumentException($"only {nameof(FaceFraming)} can be saved with a model, not {p.Framing.GetType().Name}", nameof(p));
        return o;
    }

    /// <summary>The preprocessing of a manifest; absent <c>framing</c> means none (models saved before it existed).</summary>
    private static PreprocessOptions ReadPreprocessing(string path, JsonElement e, string? faceModelsFolder, int threads)
    {
        ImageFraming? framing = null;
        if (e.TryGetProperty("framing", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            string? kind = f.GetProperty("kind").GetString();
            if (kind != "faces") throw new ModelFormatException(path, $"unknown framing '{kind}' (this version knows 'faces')");
            int size = f.GetProperty("detectorSize").GetInt32();
            if (size != Transfer.CanonicalFraming.DefaultDetectorSize)
                throw new ModelFormatException(path, $"face framing with a {size} px detector; this version frames at {Transfer.CanonicalFraming.DefaultDetectorSize} px");
            double margin = f.GetProperty("margin").GetDouble();
            try
            {
                framing = new FaceFraming(margin, faceModelsFolder, threads);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new ModelFormatException(path, $"face-framing margin {margin} is not in [{FaceFraming.MinimumMargin}, 1]");
            }
        }
        return new()
        {
            Size = e.GetProperty("size").GetInt32(),
            Format = Enum.Parse<PixelFormat>(e.GetProperty("format").GetString() ?? "", ignoreCase: false),
            Mode = Enum.Parse<ResizeMode>(e.GetProperty("mode").GetString() ?? "", ignoreCase: false),
            Framing = framing,
        };
    }

    private static Dictionary<string, Tensor> ReadWeights(string path, ModelArchiveContents contents)
    {
        if (!contents.Entries.TryGetValue(Weights, out var bytes)) throw new ModelFormatException(path, $"{Weights} is missing");
        using var stream = new MemoryStream(bytes, writable: false);
        return new Dictionary<string, Tensor>(SafeTensors.Load(stream, $"{path}!{Weights}").Tensors, StringComparer.Ordinal);
    }

    private static void Expect(string path, IReadOnlyDictionary<string, Tensor> found, params (string Name, int[] Shape)[] expected)
    {
        var problems = new List<string>();
        foreach (var (name, shape) in expected)
        {
            if (!found.TryGetValue(name, out var t)) problems.Add($"tensor '{name}' is missing");
            else if (!t.Shape.SequenceEqual(shape)) problems.Add(string.Create(CultureInfo.InvariantCulture, $"tensor '{name}' is [{string.Join(", ", t.ShapeArray())}], expected [{string.Join(", ", shape)}]"));
        }
        var names = expected.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in found.Keys.Where(n => !names.Contains(n)).Order(StringComparer.Ordinal)) problems.Add($"unexpected tensor '{name}'");
        if (problems.Count > 0) throw new ModelFormatException(path, string.Join("; ", problems));
    }
}
