using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Core;
using GenderML.Core.Serialization;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Linear;
using GenderML.Classifiers;
using GenderML.Transfer;
using GenderML.Trees;

namespace GenderML.Models;

/// <summary>
/// The one store of every model kind: trained classifiers ↔ model <c>.zip</c> files (format: Models/README.md), the
/// manifest (kind, architecture, preprocessing, training summary, metrics) plus <c>weights.safetensors</c> and, per
/// kind,
/// <c>curves.json</c> or <c>trees.bin</c>; <see cref="Load"/> is the one load path (<see
/// cref="GenderClassifier.Load"/>).
/// Loading is strict: an unknown kind, a missing, extra or misshapen tensor, or an inconsistent manifest is a
/// <see cref="ModelFormatException"/>. Pixel kinds are in ModelStore.Pixels.cs, face-api kinds in
/// ModelStore.FaceApi.cs.
/// </summary>
internal static partial class ModelStore
{
    private const string Weights = "weights.safetensors", Curves = "curves.json", TreesEntry = "trees.bin", CalibrationEntry = "calibration.json",
        CardEntry = "card.json";

    /// <summary>
    /// The kind of face-api's age/gender net used as shipped (<see cref="PretrainedGenderClassifier"/>).
    /// </summary>
    public const string PretrainedKind = "pretrained";

    /// <summary>The kinds of networks trained from scratch on pixels.</summary>
    private static readonly string[] NetworkKinds = ["dense", "cnn2", "cnn3", "vgg", "rnn", "resnet"];

    /// <summary>The kinds read through face-api's networks (frozen, or with the last stage fine-tuned).</summary>
    private static readonly string[] FaceApiKinds = [PretrainedKind, "transfer", "transfer-resnet", "transfer-xception", "transfer-fusion"];

    /// <summary>Every kind this store reads.</summary>
    public static IEnumerable<string> Kinds => ["logreg", "gbdt", .. NetworkKinds, .. FaceApiKinds.Skip(1)];

    /// <summary>True when <paramref name="kind"/> is read through face-api's networks.</summary>
    public static bool IsFaceApiKind(string kind) => FaceApiKinds.Contains(kind);

    public static IGenderClassifier Load(string path, int threads, string? faceModelsFolder = null,
        IReadOnlyList<ModelKind>? kinds = null)
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
                Calibration = contents.Entries.TryGetValue(CalibrationEntry, out var calibration) ? ReadCalibration(path, calibration) : ProbabilityCalibration.Identity,
                Card = contents.Entries.TryGetValue(CardEntry, out var card) ? ModelCard.FromJson(System.Text.Encoding.UTF8.GetString(card)) : null,
            };
            if (kinds?.FirstOrDefault(k => k.Name == manifest.Kind) is { } other)
                return other.ReadModel(new SavedModel(path, info, manifest.Architecture, contents.Entries, threads));
            if (!Kinds.Contains(manifest.Kind) && manifest.Kind != PretrainedKind)
                throw new ModelFormatException(path, $"unknown model kind \"{manifest.Kind}\" (this GenderML knows "
                    + $"{string.Join(", ", Kinds.Concat(kinds?.Select(k => k.Name) ?? []))}; a kind another package defines, "
                    + "such as GenderML.MLNet's mlnet, loads when its ModelKind is passed to GenderClassifier.Load)");
            if (manifest.Kind == "gbdt") return LoadTrees(path, manifest.Architecture, info, contents);
            var tensors = ReadWeights(path, contents);
            return manifest.Kind switch
            {
                "logreg" => LoadLogistic(path, manifest.Architecture, info, tensors),
                var k when FaceApiKinds.Contains(k) => LoadFaceApi(path, manifest.Architecture, info, tensors, threads, contents.Entries, faceModelsFolder),
                var k when NetworkKinds.Contains(k) => LoadNetwork(path, manifest.Architecture, info, tensors, threads),
                _ => throw new InvalidOperationException($"no reader for kind {manifest.Kind}"),
            };
        }
        catch (Exception e) when (e is not ModelFormatException && e is KeyNotFoundException or JsonException or InvalidOperationException or InvalidDataException or ArgumentException or FormatException)
        {
            throw new ModelFormatException(path, $"inconsistent model: {e.Message}", e);
        }
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
        if (!info.Calibration.IsIdentity) entries[CalibrationEntry] = JsonSerializer.SerializeToUtf8Bytes(info.Calibration, CalibrationJson);
        if (info.Card is { } card) entries[CardEntry] = System.Text.Encoding.UTF8.GetBytes(card.ToJson());
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

    private static readonly JsonSerializerOptions CalibrationJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The <c>calibration.json</c> entry: a finite, positive scale, a finite offset, and finite positive powers and lower scale where given.</summary>
    private static ProbabilityCalibration ReadCalibration(string path, byte[] bytes)
    {
        var c = JsonSerializer.Deserialize<ProbabilityCalibration>(bytes, CalibrationJson)
            ?? throw new ModelFormatException(path, $"{CalibrationEntry} is null");
        if (!(double.IsFinite(c.Scale) && c.Scale > 0 && double.IsFinite(c.Offset)) || new[] { c.Power, c.LowerScale, c.LowerPower }.Any(v => v is { } x && !(double.IsFinite(x) && x > 0)))
            throw new ModelFormatException(path, string.Create(CultureInfo.InvariantCulture,
                $"{CalibrationEntry}: scale {c.Scale} and offset {c.Offset} must be finite, the scale (and any power or lower scale) positive"));
        return c;
    }

    private static JsonObject WritePreprocessing(PreprocessOptions p)
    {
        var o = new JsonObject { ["size"] = p.Size, ["format"] = p.Format.ToString(), ["mode"] = p.Mode.ToString(), ["key"] = p.Key };
        if (p.Framing is not null)
            o["framing"] = p.Framing switch
            {
                FaceFraming { Photos: true } f => new JsonObject { ["kind"] = "photos", ["margin"] = f.Margin },
                FaceFraming f => new JsonObject
                {
                    ["kind"] = "faces", ["margin"] = f.Margin, ["detectorSize"] = f.DetectorSize, ["edge"] = f.Edge.ToString().ToLowerInvariant(),
                },
                _ => throw new ArgumentException($"only {nameof(FaceFraming)} can be saved with a model, not {p.Framing.GetType().Name}", nameof(p)),
            };
        return o;
    }

    /// <summary>
    /// The preprocessing of a manifest. Absent <c>framing</c> means none (models saved before it existed; face-api
    /// models
    /// of that time say theirs in the architecture); a <c>faces</c> framing without <c>edge</c> is <c>extend</c>.
    /// </summary>
    private static PreprocessOptions ReadPreprocessing(string path, JsonElement e, string? faceModelsFolder, int threads)
    {
        ImageFraming? framing = null;
        if (e.TryGetProperty("framing", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            string? kind = f.GetProperty("kind").GetString();
            if (kind is not ("faces" or "photos"))
                throw new ModelFormatException(path, $"unknown framing '{kind}' (this version knows 'faces' and 'photos')");
            double margin = f.GetProperty("margin").GetDouble();
            if (!(margin >= FaceFraming.MinimumMargin && margin <= 1))
                throw new ModelFormatException(path, string.Create(CultureInfo.InvariantCulture,
                    $"face-framing margin {margin} is not in [{FaceFraming.MinimumMargin}, 1]"));
            if (kind == "photos")
            {
                framing = FaceFraming.ForPhotos(margin, faceModelsFolder, threads);
            }
            else
            {
                int size = f.GetProperty("detectorSize").GetInt32();
                if (size is < 32 or > 1024 || size % 32 != 0)
                    throw new ModelFormatException(path, $"face framing with a {size} px detector: the side is a multiple of 32 from 32 to 1024");
                framing = new FaceFraming(margin, size, ReadEdge(path, f), faceModelsFolder, threads);
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

    private static FramingEdge ReadEdge(string path, JsonElement framing) =>
        !framing.TryGetProperty("edge", out var edge) ? FramingEdge.Extend : edge.GetString() switch
        {
            "extend" => FramingEdge.Extend,
            "clip" => FramingEdge.Clip,
            var other => throw new ModelFormatException(path, $"framing edge '{other}' is not 'extend' or 'clip'"),
        };

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
