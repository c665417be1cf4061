using System.Text;
using GenderML.Batch;

namespace GenderML.Tests.Batch;

/// <summary>Faces for the batch tests: 12 real faces of each class and one file that is not an image.</summary>
public sealed class BatchJobFixture : IDisposable
{
    internal BatchFaces Faces { get; } = BatchFaces.Create(12);

    public BatchJobFixture() => File.WriteAllText(Path.Combine(Faces.Images, "male", "zz-not-a-photo.jpg"), "<html>not a JPEG</html>");

    public void Dispose() => Faces.Dispose();
}

public class BatchJobTests(BatchJobFixture fixture) : IClassFixture<BatchJobFixture>
{
    private readonly BatchFaces _faces = fixture.Faces;

    private string Out(string name) => Path.Combine(_faces.Root, name + "-" + Guid.NewGuid().ToString("N")[..6]);

    private static string Csv(string folder)
    {
        var w = new StringWriter();
        BatchOutput.Open(folder).WriteCsv(w);
        return w.ToString();
    }

    [Fact]
    public void Predict_InThreeShards_MergesToTheSingleProcessRows_AndARerunChangesNoFile()
    {
        var input = BatchInput.Open(_faces.Images);
        string sharded = Out("sharded"), whole = Out("whole");
        for (int i = 0; i < 3; i++)
            BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Predict, Model = ClassifierPresets.Pretrained, OutputFolder = sharded, Shard = new Shard(i, 3), PartSize = 4, Threads = 2 });
        var single = BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Predict, Model = ClassifierPresets.Pretrained, OutputFolder = whole, PartSize = 4, Threads = 2 });

        string csv = Csv(sharded);
        Assert.Equal(Csv(whole), csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 25, lines.Length);
        Assert.Single(lines, l => l.StartsWith("male/zz-not-a-photo.jpg,", StringComparison.Ordinal) && !l.Contains(",ok,", StringComparison.Ordinal));
        Assert.Equal(24, lines.Count(l => l.Contains(",ok,", StringComparison.Ordinal) && l.Contains(",pretrained,", StringComparison.Ordinal)));
        Assert.Equal(7, single.Parts.Count);
        Assert.Equal(1, single.Parts.Sum(p => p.Failures));

        var before = BatchFaces.Snapshot(sharded);
        var again = BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Predict, Model = ClassifierPresets.Pretrained, OutputFolder = sharded, Shard = new Shard(1, 3), PartSize = 4, Threads = 2 });
        Assert.True(again.AlreadyComplete);
        Assert.Equal(before, BatchFaces.Snapshot(sharded));
    }

    [Fact]
    public void ACutShortPart_IsRedone_AndCompletePartsAreKept()
    {
        var input = BatchInput.Open(_faces.Images);
        var options = new BatchOptions { Kind = BatchKind.Inspect, OutputFolder = Out("resume"), PartSize = 5 };
        BatchJob.Run(input, options);
        string reference = Csv(options.OutputFolder);
        var before = BatchFaces.Snapshot(options.OutputFolder);

        // As a killed task leaves it: no manifest, the part it was writing only as its temporary file, later parts absent.
        string folder = options.OutputFolder;
        File.Delete(Path.Combine(folder, "_manifest-00000-of-00001.json"));
        File.Delete(Path.Combine(folder, "part-00000-of-00001-00002.parquet"));
        File.Delete(Path.Combine(folder, "part-00000-of-00001-00004.parquet"));
        File.WriteAllBytes(Path.Combine(folder, ".part-00000-of-00001-00002.parquet.tmp"), [1, 2, 3]);
        Assert.Contains("no batch task has finished here", Assert.Throws<InvalidDataException>(() => BatchOutput.Open(folder)).Message);

        var summary = BatchJob.Run(input, options);
        Assert.Equal([true, true, false, true, false], summary.Parts.Select(p => p.Resumed));
        Assert.Equal(reference, Csv(folder));
        var after = BatchFaces.Snapshot(folder);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (string kept in new[] { "part-00000-of-00001-00000.parquet", "part-00000-of-00001-00003.parquet" })
            Assert.Equal(before[kept], after[kept]);
    }

    [Fact]
    public void ACancelledTask_WritesNoHalfPart_AndTheSameRunContinues()
    {
        var input = BatchInput.Open(_faces.Images);
        var options = new BatchOptions { Kind = BatchKind.Inspect, OutputFolder = Out("cancel"), PartSize = 5, ChunkSize = 2 };
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Done >= 7) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => BatchJob.Run(input, options, progress, null, cancel.Token));
        Assert.Equal(["part-00000-of-00001-00000.parquet"], Directory.GetFiles(options.OutputFolder).Select(Path.GetFileName));
        var summary = BatchJob.Run(input, options);
        Assert.Equal(5, summary.Parts.Count);
        Assert.True(summary.Parts[0].Resumed);
        Assert.Equal(25, BatchOutput.Open(options.OutputFolder).ReadRows().Count());
    }

    [Fact]
    public void Merge_RefusesAMissingShard_MixedJobs_AndACorruptPart_ChangingNoFile()
    {
        var input = BatchInput.Open(_faces.Images);
        string folder = Out("bad");
        BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Inspect, OutputFolder = folder, Shard = new Shard(0, 2), PartSize = 5 });
        Assert.Contains("shard 1/2 missing", Assert.Throws<InvalidDataException>(() => BatchOutput.Open(folder)).Message);

        var other = Assert.Throws<InvalidDataException>(() => BatchJob.Run(input,
            new BatchOptions { Kind = BatchKind.Inspect, OutputFolder = folder, Shard = new Shard(1, 3), PartSize = 5 }));
        Assert.Contains("another job (3 shards, not 2)", other.Message.Replace("2 shards, not 3", "3 shards, not 2", StringComparison.Ordinal));

        // A shard of another input slipped in by hand.
        string foreign = Out("foreign");
        var fewer = BatchInput.Open(Path.Combine(_faces.Images, "female"));
        BatchJob.Run(fewer, new BatchOptions { Kind = BatchKind.Inspect, OutputFolder = foreign, Shard = new Shard(1, 2), PartSize = 5 });
        foreach (string f in Directory.GetFiles(foreign)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        Assert.Contains("different jobs are mixed", Assert.Throws<InvalidDataException>(() => BatchOutput.Open(folder)).Message);
        foreach (string f in Directory.GetFiles(foreign)) File.Delete(Path.Combine(folder, Path.GetFileName(f)));

        BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Inspect, OutputFolder = folder, Shard = new Shard(1, 2), PartSize = 5 });
        string part = Path.Combine(folder, "part-00001-of-00002-00001.parquet");
        byte[] bytes = File.ReadAllBytes(part);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(part, bytes);
        var before = BatchFaces.Snapshot(folder);
        Assert.Contains("corrupt", Assert.Throws<InvalidDataException>(() => BatchOutput.Open(folder)).Message);
        Assert.Contains("corrupt", Assert.Throws<InvalidDataException>(() => BatchJob.Run(input,
            new BatchOptions { Kind = BatchKind.Inspect, OutputFolder = folder, Shard = new Shard(1, 2), PartSize = 5 })).Message);
        Assert.Equal(before, BatchFaces.Snapshot(folder));
    }

    [Fact]
    public async Task Input_AParquetList_GivesTheRowsOfTheSameTextList()
    {
        string list = Path.Combine(_faces.Images, "list.txt"), parquet = Path.Combine(_faces.Images, "list.parquet");
        var paths = BatchInput.Open(_faces.Images).Paths;
        File.WriteAllLines(list, ["# the faces", .. paths.Reverse(), ""]);
        await Parquet.Serialization.ParquetSerializer.SerializeAsync(paths.Select(p => new ListRow { Path = p, Label = "x" }), parquet);
        try
        {
            var text = BatchInput.Open(list);
            var table = BatchInput.Open(parquet);
            Assert.Equal(paths, text.Paths);
            Assert.Equal(paths, table.Paths);
            Assert.Equal(text.Hash, table.Hash);
            Assert.Equal(Path.Combine(_faces.Images, paths[0]), text.FileOf(paths[0]));
        }
        finally
        {
            File.Delete(list);
            File.Delete(parquet);
        }
    }

    [Fact]
    public void Input_BadLists_AreClearErrors()
    {
        string dir = Path.Combine(_faces.Root, "lists");
        Directory.CreateDirectory(dir);
        Assert.Contains("no such folder or list file", Assert.Throws<FileNotFoundException>(() => BatchInput.Open(Path.Combine(dir, "none.txt"))).Message);
        File.WriteAllBytes(Path.Combine(dir, "binary.txt"), [0x61, 0xC3, 0x28, 0x0A]);
        Assert.Contains("not a UTF-8 text list", Assert.Throws<InvalidDataException>(() => BatchInput.Open(Path.Combine(dir, "binary.txt"))).Message);
        File.WriteAllText(Path.Combine(dir, "twice.txt"), "a.jpg\nb.jpg\na.jpg\n", Encoding.UTF8);
        Assert.Contains("'a.jpg' is listed twice", Assert.Throws<InvalidDataException>(() => BatchInput.Open(Path.Combine(dir, "twice.txt"))).Message);
        File.WriteAllText(Path.Combine(dir, "empty.txt"), "# nothing\n\n");
        Assert.Contains("no images listed", Assert.Throws<InvalidDataException>(() => BatchInput.Open(Path.Combine(dir, "empty.txt"))).Message);
        File.WriteAllText(Path.Combine(dir, "fake.parquet"), "PAR1 not really");
        Assert.Contains("not a Parquet list", Assert.Throws<InvalidDataException>(() => BatchInput.Open(Path.Combine(dir, "fake.parquet"))).Message);
    }

    private sealed class ListRow
    {
        [System.Text.Json.Serialization.JsonPropertyName("label")] public string Label { get; set; } = "";
        [System.Text.Json.Serialization.JsonPropertyName("path")] public string Path { get; set; } = "";
    }

    private sealed class SynchronousProgress(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
