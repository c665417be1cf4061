using System.IO.Compression;
using System.Text.Json;
using GenderML.Core;
using GenderML.Core.Serialization;
using GenderML.Evaluation;

namespace GenderML.Training;

/// <summary>
/// The state of a training run after an epoch: weights, optimiser state, the best weights so far, curves and
/// counters — everything needed to continue and end with the same model as an uninterrupted run.
/// Written as a zip to a temporary file, then renamed, so a kill mid-write leaves the previous checkpoint.
/// </summary>
internal sealed record Checkpoint(
    int EpochsDone, int BestEpoch, double BestLoss, int EpochsWithoutImprovement, string Fingerprint,
    Dictionary<string, Tensor> Weights, Dictionary<string, Tensor> Optimizer, Dictionary<string, Tensor> Best, TrainingCurves Curves)
{
    private sealed record Meta(int Version, int EpochsDone, int BestEpoch, double? BestLoss, int EpochsWithoutImprovement, string Fingerprint, string Curves);

    public void Save(string path)
    {
        // A temporary file of its own (two runs never share one), renamed over the previous checkpoint.
        Data.OutputFile.Write(path, file =>
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
            // No best loss yet (a run that keeps its last epoch) is +∞, which JSON cannot hold: written as null.
            var meta = new Meta(1, EpochsDone, BestEpoch, double.IsFinite(BestLoss) ? BestLoss : null, EpochsWithoutImprovement, Fingerprint, Curves.ToJson());
            using (var s = zip.CreateEntry("checkpoint.json").Open()) JsonSerializer.Serialize(s, meta);
            Write(zip, "weights.safetensors", Weights);
            Write(zip, "optimizer.safetensors", Optimizer);
            Write(zip, "best.safetensors", Best);
        });
    }

    public static Checkpoint Load(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            Meta meta;
            using (var s = Entry(zip, "checkpoint.json", path).Open())
                meta = JsonSerializer.Deserialize<Meta>(s) ?? throw new InvalidDataException($"{path}: empty checkpoint.json");
            if (meta.Version != 1) throw new InvalidDataException($"{path}: checkpoint version {meta.Version} is not supported");
            return new Checkpoint(meta.EpochsDone, meta.BestEpoch, meta.BestLoss ?? double.PositiveInfinity, meta.EpochsWithoutImprovement, meta.Fingerprint,
                Read(zip, "weights.safetensors", path), Read(zip, "optimizer.safetensors", path), Read(zip, "best.safetensors", path),
                TrainingCurves.FromJson(meta.Curves));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException && e is not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: not a usable checkpoint ({e.Message}); delete it to start over", e);
        }
    }

    private static void Write(ZipArchive zip, string name, Dictionary<string, Tensor> tensors)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        using var buffer = new MemoryStream();
        SafeTensors.Save(buffer, tensors);
        buffer.Position = 0;
        buffer.CopyTo(s);
    }

    private static Dictionary<string, Tensor> Read(ZipArchive zip, string name, string path)
    {
        using var s = Entry(zip, name, path).Open();
        var content = SafeTensors.Load(s, $"{path}!{name}");
        return new Dictionary<string, Tensor>(content.Tensors, StringComparer.Ordinal);
    }

    private static ZipArchiveEntry Entry(ZipArchive zip, string name, string path) =>
        zip.GetEntry(name) ?? throw new InvalidDataException($"{path}: {name} is missing");
}
