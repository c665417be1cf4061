using System.Runtime.InteropServices;
using GenderML.Core;
using GenderML.Core.Serialization;
using GenderML.Evaluation;
using GenderML.Models;
using GenderML.Tests.Classifiers;
using GenderML.Tests.Cli;
using GenderML.Training;

namespace GenderML.Tests.Hardening;

/// <summary>
/// Issue 14 as a hostile user tried it: each case ends with a one-line error (exit code 2) or a correct result, and no
/// file that was not the command's output changes.
/// </summary>
[Collection("Console")]
public sealed partial class HostileCliTests : IDisposable
{
    private readonly SyntheticFaces _faces = new(perClass: 8);

    public void Dispose() => _faces.Dispose();

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    private string[] Common => ["--image-size", "16", "--threads", "2", "--cache", _faces.Cache, "--quiet"];

    private string Train(string name = "logreg", params string[] extra)
    {
        string model = Path.Combine(_faces.Root, name + ".zip");
        var (code, _, err) = CliRunner.Run(["train", "--data", _faces.Root, "--model", name, "--out", model, .. Common, .. extra]);
        Assert.True(code == 0, err);
        return model;
    }

    private string AnImage => Directory.GetFiles(Path.Combine(_faces.Root, "test", "male"))[0];

    private static void AssertOneLineError((int Code, string Out, string Err) r, string expected)
    {
        Assert.True(r.Code == 2, $"exit {r.Code}: {r.Err}");
        Assert.Contains(expected, r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Case1_evaluate_predictions_onto_the_model_is_refused_and_the_model_kept()
    {
        string model = Train();
        byte[] before = File.ReadAllBytes(model);
        AssertOneLineError(CliRunner.Run("evaluate", "--model", model, "--data", _faces.Root, "--predictions", model, "--cache", _faces.Cache),
            "also an input");
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void Case1_train_out_onto_a_dataset_image_is_refused_and_the_image_kept()
    {
        string image = AnImage;
        byte[] before = File.ReadAllBytes(image);
        AssertOneLineError(CliRunner.Run(["train", "--data", _faces.Root, "--model", "logreg", "--out", image, .. Common]), "inside the folder");
        Assert.Equal(before, File.ReadAllBytes(image));
    }

    [Fact]
    public void Case1_data_average_inside_the_data_folder_is_refused()
    {
        string avg = Path.Combine(_faces.Root, "train", "male", "avg.png");
        AssertOneLineError(CliRunner.Run("data", "average", _faces.Root, "--out", avg, "--size", "16", "--cache-dir", _faces.Cache), "inside the folder");
        Assert.False(File.Exists(avg));
    }

    [Fact]
    public void Case1_special_files_and_links_at_the_output_are_refused_and_stay_what_they_are()
    {
        if (!OperatingSystem.IsLinux()) return;
        string fifo = Path.Combine(Path.GetDirectoryName(_faces.Root)!, $"genderml-fifo-{Guid.NewGuid():N}.zip");
        Assert.Equal(0, MakeFifo(fifo, 0x1A4));
        try
        {
            AssertOneLineError(CliRunner.Run(["train", "--data", _faces.Root, "--model", "logreg", "--out", fifo, .. Common]), "FIFO");
            Assert.Equal(0, MakeFifo(fifo, 0x1A4) == 0 ? 1 : 0); // still there: mkfifo fails on an existing name
            string link = Path.Combine(_faces.Root, "link.zip");
            File.CreateSymbolicLink(link, AnImage);
            AssertOneLineError(CliRunner.Run(["train", "--data", _faces.Root, "--model", "logreg", "--out", link, .. Common]), "symbolic link");
            Assert.NotNull(new FileInfo(link).LinkTarget);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public void Case2_3_a_fifo_and_a_link_to_dev_zero_in_the_data_are_reported_not_read()
    {
        if (!OperatingSystem.IsLinux()) return;
        string model = Train();
        Assert.Equal(0, MakeFifo(Path.Combine(_faces.Root, "test", "male", "pipe.jpg"), 0x1A4));
        File.CreateSymbolicLink(Path.Combine(_faces.Root, "test", "female", "x.jpg"), "/dev/zero");
        var (code, _, err) = CliRunner.Run("evaluate", "--model", model, "--data", _faces.Root, "--cache", _faces.Cache);
        Assert.True(code == 0, err);
        Assert.Contains("FIFO", err, StringComparison.Ordinal);
        Assert.Contains("character device", err, StringComparison.Ordinal);
        (code, string output, err) = CliRunner.Run("data", "inspect", _faces.Root);
        Assert.Contains("FIFO", output + err, StringComparison.Ordinal);
        Assert.Contains("character device", output + err, StringComparison.Ordinal);
    }

    [Fact]
    public void Case4_evaluate_on_data_with_no_usable_image_is_a_one_line_error()
    {
        string model = Train();
        string bad = Path.Combine(_faces.Root, "bad");
        foreach (string label in new[] { "female", "male" })
        {
            Directory.CreateDirectory(Path.Combine(bad, label));
            File.WriteAllText(Path.Combine(bad, label, "a.jpg"), "<html>not an image</html>");
        }
        AssertOneLineError(CliRunner.Run("evaluate", "--model", model, "--data", bad, "--cache", _faces.Cache), "nothing to evaluate");
    }

    /// <summary>The model at <paramref name="model"/> with its weights or manifest changed, re-stamped so only the values are wrong.</summary>
    private static string Tampered(string model, string name, Func<float[], bool>? weights = null, Func<string, string>? manifest = null)
    {
        var contents = ModelArchive.Load(model);
        var entries = new Dictionary<string, byte[]>(contents.Entries, StringComparer.Ordinal);
        if (weights is not null)
        {
            var tensors = new Dictionary<string, Tensor>(SafeTensors.Load(new MemoryStream(entries["weights.safetensors"])).Tensors);
            weights(tensors["weight"].Data);
            var buffer = new MemoryStream();
            SafeTensors.Save(buffer, tensors);
            entries["weights.safetensors"] = buffer.ToArray();
        }
        var m = contents.Manifest;
        if (manifest is not null)
        {
            string json = System.Text.Json.JsonSerializer.Serialize(m.Architecture);
            m = m with { Architecture = System.Text.Json.JsonDocument.Parse(manifest(json)).RootElement.Clone() };
        }
        string path = Path.Combine(Path.GetDirectoryName(model)!, name);
        ModelArchive.Save(path, m, entries);
        return path;
    }

    [Fact]
    public void Case4_models_with_nan_or_infinite_weights_or_an_out_of_range_intercept_are_refused_at_load()
    {
        string model = Train();
        string nan = Tampered(model, "nan.zip", weights: w => { w[3] = float.NaN; return true; });
        string inf = Tampered(model, "inf.zip", weights: w => { w[0] = float.PositiveInfinity; return true; });
        string huge = Tampered(model, "huge.zip", manifest: j => System.Text.RegularExpressions.Regex.Replace(j, "\"intercept\":[^,}]+", "\"intercept\":1e400"));
        foreach (string bad in new[] { nan, inf })
        {
            AssertOneLineError(CliRunner.Run("predict", "--model", bad, AnImage), "finite");
            AssertOneLineError(CliRunner.Run("predict", "--model", bad, AnImage, "--json"), "finite");
            AssertOneLineError(CliRunner.Run("evaluate", "--model", bad, "--data", _faces.Root, "--cache", _faces.Cache), "finite");
        }
        AssertOneLineError(CliRunner.Run("predict", "--model", huge, AnImage), "out of range");
    }

    [Fact]
    public void Case7_two_runs_saving_the_same_checkpoint_never_collide()
    {
        string path = Path.Combine(_faces.Root, "m.zip.checkpoint");
        var weights = new Dictionary<string, Tensor> { ["w"] = new Tensor(64, 64) };
        var checkpoint = new Checkpoint(1, 1, 0.5, 0, "f", weights, weights, weights, new TrainingCurves());
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => checkpoint.Save(path));
        Assert.Equal(1, Checkpoint.Load(path).EpochsDone);
        Assert.Empty(Directory.GetFiles(_faces.Root, "*.tmp"));
    }

    [Fact]
    public void Case7_a_second_train_with_the_same_out_fails_at_once_while_the_first_runs()
    {
        string model = Path.Combine(_faces.Root, "busy.zip");
        using (Data.OutputFile.Lock(model))
            AssertOneLineError(CliRunner.Run(["train", "--data", _faces.Root, "--model", "logreg", "--out", model, .. Common]), "another running command");
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Case8_a_diverging_run_stops_at_the_first_non_finite_loss_and_suggests_a_lower_learning_rate()
    {
        string model = Path.Combine(_faces.Root, "diverged.zip");
        var r = CliRunner.Run(["train", "--data", _faces.Root, "--model", "dense", "--out", model, "--lr", "1e30", "--epochs", "3", "--batch", "4",
            "--no-frame-faces", .. Common]);
        AssertOneLineError(r, "training diverged");
        Assert.Contains("lower the learning rate", r.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(model));
        Assert.Empty(Directory.GetFiles(_faces.Root, "*.tmp"));
    }

    [Fact]
    public void Case11_predict_and_evaluate_give_the_same_number_for_the_same_jpeg()
    {
        string root = _faces.Root + "-jpeg";
        var random = new Random(3);
        foreach (string label in new[] { "female", "male" })
        {
            Directory.CreateDirectory(Path.Combine(root, label));
            for (int i = 0; i < 6; i++)
                File.WriteAllBytes(Path.Combine(root, label, $"{i}.jpg"), SyntheticFaces.Make(label == "male", random).Resize(96, 96).EncodeJpeg(90));
        }
        try
        {
            string model = Path.Combine(root, "m.zip"), csv = root + "-predictions.csv";
            var (code, _, err) = CliRunner.Run(["train", "--data", root, "--model", "logreg", "--out", model, .. Common]);
            Assert.True(code == 0, err);
            (code, _, err) = CliRunner.Run("evaluate", "--model", model, "--data", root, "--predictions", csv, "--cache", _faces.Cache);
            Assert.True(code == 0, err);
            var evaluated = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => double.Parse(f[^1], System.Globalization.CultureInfo.InvariantCulture));
            File.Delete(csv);
            (code, string output, err) = CliRunner.Run("predict", "--model", model, root, "--json"); // a folder: image by image
            Assert.True(code == 0, err);
            string[] lines = output.Trim().Split('\n');
            Assert.Equal(12, lines.Length);
            foreach (string line in lines)
            {
                var json = System.Text.Json.JsonDocument.Parse(line).RootElement;
                string path = json.GetProperty("path").GetString()!;
                string key = evaluated.Keys.Single(k => path.EndsWith(k.Replace('\\', '/'), StringComparison.Ordinal));
                Assert.Equal(Math.Round(evaluated[key], 6), json.GetProperty("pMale").GetDouble(), 6);
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void Case11_evaluate_counts_only_the_images_it_scored()
    {
        string model = Train();
        File.WriteAllText(Path.Combine(_faces.Root, "test", "male", "broken.jpg"), "not a jpeg");
        var (code, output, err) = CliRunner.Run("evaluate", "--model", model, "--data", _faces.Root, "--cache", _faces.Cache);
        Assert.True(code == 0, err);
        Assert.Contains("logreg on 8 images of", output, StringComparison.Ordinal);
        Assert.Contains("skipped", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Case11_resume_says_that_it_started_fresh()
    {
        var (code, _, err) = CliRunner.Run(["train", "--data", _faces.Root, "--model", "dense", "--out", Path.Combine(_faces.Root, "r.zip"),
            "--epochs", "1", "--batch", "8", "--no-frame-faces", "--resume", .. Common]);
        Assert.True(code == 0, err);
        Assert.Contains("nothing to resume", err, StringComparison.Ordinal);
    }
}
