using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Linear;
using GenderML.Trees;

namespace GenderML.Models;

/// <summary>The pixel kinds: logistic regression, boosted trees and the networks trained from scratch.</summary>
internal static partial class ModelStore
{
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
}
