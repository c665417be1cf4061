using System.Text.Json;
using GenderML.Tests.Cli;

namespace GenderML.Tests.Batch;

[Collection("Console")]
public sealed class BatchCommandTests : IDisposable
{
    private readonly BatchFaces _faces = BatchFaces.Create(4);

    public void Dispose() => _faces.Dispose();

    [Fact]
    public void BatchPredict_GivesThePMaleOfPredictJson_AndMergesToCsvOnStandardOutput()
    {
        string folder = Path.Combine(_faces.Root, "out");
        for (int i = 0; i < 2; i++)
        {
            var (code, _, err) = CliRunner.Run("batch", "predict", "--model", "pretrained", "--input", _faces.Images, "--out", folder,
                "--shard", $"{i}/2", "--part-size", "3", "--threads", "2");
            Assert.True(code == 0, err);
            Assert.Contains($"shard {i}/2: part-0000{i}-of-00002-00000.parquet: 3 images, 0 faces, 0 failures", err, StringComparison.Ordinal);
        }
        var (mergeCode, csv, mergeErr) = CliRunner.Run("batch", "merge", "--out", folder, "--format", "csv");
        Assert.True(mergeCode == 0, mergeErr);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(8, rows.Count);

        string[] files = [.. rows.Select(r => Path.Combine(_faces.Images, r[0]))];
        var (predictCode, json, predictErr) = CliRunner.Run(["predict", "--model", "pretrained", "--json", .. files]);
        Assert.True(predictCode == 0, predictErr);
        var predicted = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(predicted[i].GetProperty("label").GetString(), rows[i][5]);
            Assert.Equal(predicted[i].GetProperty("pMale").GetDouble(), Math.Round((double)float.Parse(rows[i][6], System.Globalization.CultureInfo.InvariantCulture), 6));
        }

        var (parquetCode, _, parquetErr) = CliRunner.Run("batch", "merge", "--out", folder);
        Assert.True(parquetCode == 0, parquetErr);
        Assert.Contains("merged.parquet: 8 rows of 2 shard(s), predict with pretrained", parquetErr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "merged.parquet")));
        var (again, _, _) = CliRunner.Run("batch", "merge", "--out", folder, "--format", "csv");
        Assert.Equal(0, again);
    }

    [Theory]
    [InlineData("batch inspect --input {0}/none.txt --out {0}/o", "no such folder or list file")]
    [InlineData("batch inspect --input {1} --out {0}/o --shard 2/2", "--shard: shard '2/2' is not i/N")]
    [InlineData("batch inspect --input {1} --out {0}/o --shard-count 3", "--shard-count goes with --shard auto")]
    [InlineData("batch predict --input {1} --out {0}/o --model {0}/none.zip", "no such model file")]
    [InlineData("batch embed --input {1} --out {0}/o --model cnn3", "'cnn3' is not a transfer preset")]
    [InlineData("batch merge --out {0}", "no shard manifest")]
    [InlineData("batch merge --out {0}/none", "no such folder")]
    [InlineData("train --data {1} --model cnn3 --out {0}/m.zip --embeddings {0}", "--embeddings goes with a transfer model")]
    public void BadInput_IsOneLine_AndExitCode2(string command, string message)
    {
        string[] args = string.Format(System.Globalization.CultureInfo.InvariantCulture, command, _faces.Root, _faces.Images).Split(' ');
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains(message, StringComparison.Ordinal));
    }
}
