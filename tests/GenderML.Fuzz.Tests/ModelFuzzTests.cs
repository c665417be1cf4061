using System.IO.Compression;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Core.Serialization;
using GenderML.Data;
using GenderML.Imaging;
using GenderML.Models;

namespace GenderML.Fuzz.Tests;

/// <summary>
/// Model loading under attack: seeded byte mutations of a real model file, and crafted archives (zip slip, bomb,
/// NaN/Inf weights, truncated, foreign, special files). Every case loads a working model (finite P(male)) or fails
/// with a <see cref="ModelFormatException"/> (or <see cref="FileNotFoundException"/> for a dangling link).
/// </summary>
public sealed class ModelFuzzTests : IDisposable
{
    private const int Mutations = 1500;

    private readonly string _dir = Directory.CreateTempSubdirectory("genderml-fuzz-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    /// <summary>A small logistic model trained on seed images (a few per class), saved as <c>model.zip</c>.</summary>
    private (string Path, Image Probe) TrainModel()
    {
        var seeds = Seeds.All;
        for (int i = 0; i < seeds.Count; i++)
        {
            string dir = P(Path.Combine("data", i % 2 == 0 ? "female" : "male"));
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, seeds[i].Name), seeds[i].Bytes);
        }
        var dataset = Dataset.Load(P("data"), new DatasetOptions { ClassNames = ["female", "male"] });
        var recipe = new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 8 } };
        var result = Trainer.Fit(recipe, dataset, null, new Training.TrainingOptions { CacheFolder = P("cache"), Threads = 2, ValidationFraction = 0 });
        string path = P("model.zip");
        result.Classifier.Save(path);
        return (path, Image.Load(dataset.Items[0].Path));
    }

    private static void LoadsOrIsRefused(string path, Image probe, string label, List<string> failures)
    {
        try
        {
            var model = GenderClassifier.Load(path, threads: 1);
            float p = model.Predict(probe).ProbabilityMale;
            if (!(p >= 0 && p <= 1)) failures.Add($"{label}: loaded, but P(male) = {p}");
        }
        catch (ModelFormatException e) when (!string.IsNullOrWhiteSpace(e.Message))
        {
        }
        catch (FileNotFoundException)
        {
        }
        catch (Exception e)
        {
            failures.Add($"{label}: {e.GetType().Name}: {e.Message}");
        }
    }

    [Fact]
    public void Mutated_model_files_load_a_working_model_or_are_refused()
    {
        var (model, probe) = TrainModel();
        byte[] original = File.ReadAllBytes(model);
        byte[] other = Seeds.All[0].Bytes;
        var failures = new List<string>();
        string path = P("mutated.zip");
        for (int i = 0; i < Mutations; i++)
        {
            var (bytes, kind) = Mutator.Mutate(original, other, i, 99);
            File.WriteAllBytes(path, bytes);
            LoadsOrIsRefused(path, probe, $"case {i} ({kind})", failures);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void Crafted_archives_and_special_files_are_refused()
    {
        var (model, probe) = TrainModel();
        var contents = ModelArchive.Load(model);
        var crafted = new Dictionary<string, Action<string>>
        {
            ["zip slip"] = p => WithExtraEntry(model, p, "../evil.txt", [1, 2, 3]),
            ["absolute entry"] = p => WithExtraEntry(model, p, "/etc/evil", [1]),
            ["bomb"] = p => WithExtraEntry(model, p, "bomb.bin", new byte[64 << 20]),
            ["foreign zip"] = p =>
            {
                using var zip = ZipFile.Open(p, ZipArchiveMode.Create);
                using var s = zip.CreateEntry("README.md").Open();
                s.Write("# not a model"u8);
            },
            ["truncated"] = p => File.WriteAllBytes(p, File.ReadAllBytes(model)[..(int)(new FileInfo(model).Length / 2)]),
            ["empty"] = p => File.WriteAllBytes(p, []),
            ["an image"] = p => File.WriteAllBytes(p, Seeds.All[0].Bytes),
            ["NaN weight"] = p => WithWeight(contents, p, float.NaN),
            ["infinite weight"] = p => WithWeight(contents, p, float.NegativeInfinity),
        };
        var failures = new List<string>();
        foreach (var (label, make) in crafted)
        {
            string path = P($"crafted-{crafted.Keys.ToList().IndexOf(label)}.zip");
            make(path);
            try
            {
                GenderClassifier.Load(path, threads: 1);
                failures.Add($"{label}: loaded");
            }
            catch (ModelFormatException)
            {
            }
            catch (Exception e)
            {
                failures.Add($"{label}: {e.GetType().Name}: {e.Message}");
            }
        }
        foreach (string special in SpecialFiles.AddAll(Directory.CreateDirectory(P("special")).FullName, Seeds.All[0].Bytes, Seeds.All[0].Bytes))
            LoadsOrIsRefused(special, probe, Path.GetFileName(special), failures);
        LoadsOrIsRefused(P("special"), probe, "a folder", failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The model's zip with one more entry written straight into it (not through the manifest).</summary>
    private static void WithExtraEntry(string model, string path, string name, byte[] bytes)
    {
        File.Copy(model, path, overwrite: true);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        s.Write(bytes);
    }

    /// <summary>The model re-saved (valid manifest and hashes) with its first weight set to <paramref name="value"/>.</summary>
    private static void WithWeight(ModelArchiveContents contents, string path, float value)
    {
        var entries = new Dictionary<string, byte[]>(contents.Entries, StringComparer.Ordinal);
        var tensors = new Dictionary<string, Tensor>(SafeTensors.Load(new MemoryStream(entries["weights.safetensors"])).Tensors);
        tensors["weight"].Data[0] = value;
        var buffer = new MemoryStream();
        SafeTensors.Save(buffer, tensors);
        entries["weights.safetensors"] = buffer.ToArray();
        ModelArchive.Save(path, contents.Manifest, entries);
    }
}
