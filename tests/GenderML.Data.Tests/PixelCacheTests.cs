using GenderML.Imaging;

namespace GenderML.Data.Tests;

public sealed class PixelCacheTests
{
    private static readonly PreprocessOptions Gray8 = new() { Size = 8 };

    private static (TempTree Tree, string CacheDir) MakeSet(int perClass = 3)
    {
        var t = new TempTree();
        for (int i = 0; i < perClass; i++)
        {
            t.Add($"female/f{i}.png", TinyImages.Png(12, 10, i));
            t.Add($"male/m{i}.jpg", TinyImages.Jpeg(16, 12, 10 + i));
        }
        return (t, Path.Combine(t.Root, "..", Path.GetFileName(t.Root) + "-cache"));
    }

    [Fact]
    public void FirstOpenDecodes_SecondIsAHit_WithTheSamePixels()
    {
        var (t, cacheDir) = MakeSet();
        using var _ = t;
        var d = Dataset.Load(t.Root, TestLabels.Options);
        var options = new PixelCacheOptions { Folder = cacheDir, Threads = 2 };
        byte[][] first;
        using (var c = PixelCache.Open(d, Gray8, options))
        {
            Assert.False(c.Stats.Hit);
            Assert.Equal(6, c.Stats.Decoded);
            first = [.. Enumerable.Range(0, c.Count).Select(i => c.GetPixels(i).ToArray())];
            for (int i = 0; i < d.Items.Count; i++)
            {
                var expected = new byte[Gray8.BytesPerImage];
                Preprocessor.Load(d.Items[i].Path, Gray8, expected);
                Assert.Equal(expected, first[i]);
            }
        }
        using (var c = PixelCache.Open(d, Gray8, options))
        {
            Assert.True(c.Stats.Hit);
            for (int i = 0; i < c.Count; i++) Assert.Equal(first[i], c.GetPixels(i).ToArray());
            var batch = new byte[2 * Gray8.BytesPerImage];
            c.CopyBatch([3, 1], batch);
            Assert.Equal(first[3], batch[..Gray8.BytesPerImage]);
        }
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void ConcurrentOpens_DecodeEachFileOnce_AndAllSeeTheSamePixels()
    {
        var (t, cacheDir) = MakeSet(6);
        using var _ = t;
        var d = Dataset.Load(t.Root, TestLabels.Options);
        var options = new PixelCacheOptions { Folder = cacheDir, Threads = 1 };
        var seen = new byte[4][][];
        int decoded = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, r =>
        {
            using var c = PixelCache.Open(d, Gray8, options);
            Interlocked.Add(ref decoded, c.Stats.Decoded);
            seen[r] = [.. Enumerable.Range(0, c.Count).Select(i => c.GetPixels(i).ToArray())];
        });
        Assert.Equal(d.Items.Count, decoded);
        for (int r = 1; r < 4; r++)
            for (int i = 0; i < d.Items.Count; i++) Assert.Equal(seen[0][i], seen[r][i]);
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void AnOpenCache_StaysValid_WhileTheSameFileIsAppendedTo()
    {
        var (t, cacheDir) = MakeSet();
        using var _ = t;
        var options = new PixelCacheOptions { Folder = cacheDir };
        var d = Dataset.Load(t.Root, TestLabels.Options);
        using var first = PixelCache.Open(d, Gray8, options);
        byte[][] before = [.. Enumerable.Range(0, first.Count).Select(i => first.GetPixels(i).ToArray())];
        t.Add("female/added.png", TinyImages.Png(11, 9, 77));
        var d2 = Dataset.Load(t.Root, TestLabels.Options);
        using (var second = PixelCache.Open(d2, Gray8, options))
        {
            Assert.Equal(first.FilePath, second.FilePath);
            Assert.Equal((6, 1), (second.Stats.Reused, second.Stats.Decoded));
            int added = d2.Items.ToList().FindIndex(i => i.Path.EndsWith("added.png", StringComparison.Ordinal));
            var expected = new byte[Gray8.BytesPerImage];
            Preprocessor.Load(d2.Items[added].Path, Gray8, expected);
            Assert.Equal(expected, second.GetPixels(added).ToArray());
        }
        for (int i = 0; i < first.Count; i++) Assert.Equal(before[i], first.GetPixels(i).ToArray());
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void ReadPixels_GivesTheMappedSample_AndChecksItsArguments()
    {
        var (t, cacheDir) = MakeSet();
        using var _ = t;
        var d = Dataset.Load(t.Root, TestLabels.Options);
        using (var c = PixelCache.Open(d, Gray8, new PixelCacheOptions { Folder = cacheDir }))
        {
            var buffer = new byte[Gray8.BytesPerImage + 3];
            for (int i = 0; i < c.Count; i++)
            {
                c.ReadPixels(i, buffer);
                Assert.Equal(c.GetPixels(i).ToArray(), buffer[..Gray8.BytesPerImage]);
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => c.ReadPixels(c.Count, buffer));
            Assert.Throws<ArgumentException>(() => c.ReadPixels(0, new byte[Gray8.BytesPerImage - 1]));
        }
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void ChangedFile_IsDecodedAgain_OthersReused()
    {
        var (t, cacheDir) = MakeSet();
        using var _ = t;
        var d = Dataset.Load(t.Root, TestLabels.Options);
        var options = new PixelCacheOptions { Folder = cacheDir };
        using (PixelCache.Open(d, Gray8, options)) { }
        string changed = d.Items[0].Path;
        File.WriteAllBytes(changed, new Image(12, 10, PixelFormat.Gray8, Enumerable.Repeat((byte)200, 120).ToArray()).EncodePng());
        using (var c = PixelCache.Open(d, Gray8, options))
        {
            Assert.False(c.Stats.Hit);
            Assert.Equal((5, 1), (c.Stats.Reused, c.Stats.Decoded));
            Assert.All(c.GetPixels(0).ToArray(), b => Assert.Equal(200, b));
        }
        File.SetLastWriteTimeUtc(d.Items[1].Path, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc)); // touched, same content
        using (var c = PixelCache.Open(d, Gray8, options))
            Assert.Equal((false, 6, 0), (c.Stats.Hit, c.Stats.Reused, c.Stats.Decoded));
        using (var c = PixelCache.Open(d, Gray8, options))
            Assert.True(c.Stats.Hit);
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void SettingsChange_UsesAnotherFile_AndAddedFileIsTheOnlyDecode()
    {
        var (t, cacheDir) = MakeSet();
        using var _ = t;
        var options = new PixelCacheOptions { Folder = cacheDir };
        var d = Dataset.Load(t.Root, TestLabels.Options);
        string a, b;
        using (var c = PixelCache.Open(d, Gray8, options)) a = c.FilePath;
        using (var c = PixelCache.Open(d, Gray8 with { Format = PixelFormat.Rgb24 }, options))
        {
            b = c.FilePath;
            Assert.False(c.Stats.Hit);
            Assert.Equal(8 * 8 * 3, c.GetPixels(0).Length);
        }
        Assert.NotEqual(a, b);
        t.Add("male/new.png", TinyImages.Png(9, 9, 42));
        var d2 = Dataset.Load(t.Root, TestLabels.Options);
        using (var c = PixelCache.Open(d2, Gray8, options))
            Assert.Equal((6, 1), (c.Stats.Reused, c.Stats.Decoded));
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void CorruptFiles_AreRecordedAsFailed_WithZeroPixels()
    {
        var (t, cacheDir) = MakeSet(1);
        using var _ = t;
        foreach (var (name, bytes) in TinyImages.Corrupt()) t.Add($"male/{name}", bytes);
        var d = Dataset.Load(t.Root, TestLabels.Options);
        var options = new PixelCacheOptions { Folder = cacheDir };
        using (var c = PixelCache.Open(d, Gray8, options))
        {
            Assert.Equal(5, c.Failed.Count);
            int bad = d.Items.ToList().FindIndex(i => i.Path.EndsWith("page.jpg"));
            Assert.False(c.IsDecoded(bad));
            Assert.All(c.GetPixels(bad).ToArray(), x => Assert.Equal(0, x));
        }
        using (var c = PixelCache.Open(d, Gray8, options))
            Assert.Equal((true, 5), (c.Stats.Hit, c.Failed.Count));
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void DamagedCacheFile_IsRebuilt()
    {
        var (t, cacheDir) = MakeSet(1);
        using var _ = t;
        var d = Dataset.Load(t.Root, TestLabels.Options);
        var options = new PixelCacheOptions { Folder = cacheDir };
        string file;
        using (var c = PixelCache.Open(d, Gray8, options)) file = c.FilePath;
        File.WriteAllBytes(file, new byte[100]);
        using (var c = PixelCache.Open(d, Gray8, options))
            Assert.Equal((false, 2), (c.Stats.Hit, c.Stats.Decoded));
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void Progress_CountsTheImagesPrepared_AndIsSilentOnAHit()
    {
        var (t, cacheDir) = MakeSet();
        using var _ = t;
        var d = Dataset.Load(t.Root, TestLabels.Options);
        var reports = new List<int>();
        var options = new PixelCacheOptions { Folder = cacheDir, Threads = 2, Progress = new Recorder(reports) };
        using (PixelCache.Open(d, Gray8, options)) Assert.Equal([6], reports);
        reports.Clear();
        using (PixelCache.Open(d, Gray8, options)) Assert.Empty(reports);
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void CancelledBuild_Throws_AndLeavesThePreviousFileAsItWas()
    {
        var (t, cacheDir) = MakeSet();
        using var _ = t;
        var d = Dataset.Load(t.Root, TestLabels.Options);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => PixelCache.Open(d, Gray8, new PixelCacheOptions { Folder = cacheDir, Cancellation = cancelled.Token }));
        Assert.Empty(Directory.GetFiles(cacheDir));

        using (PixelCache.Open(d, Gray8, new PixelCacheOptions { Folder = cacheDir })) { }
        string file = Assert.Single(Directory.GetFiles(cacheDir));
        byte[] before = File.ReadAllBytes(file);
        File.WriteAllBytes(d.Items[0].Path, TinyImages.Png(12, 10, 99));   // a change: the next open rebuilds
        Assert.Throws<OperationCanceledException>(() => PixelCache.Open(d, Gray8, new PixelCacheOptions { Folder = cacheDir, Cancellation = cancelled.Token }));
        Assert.Equal([file], Directory.GetFiles(cacheDir));
        Assert.Equal(before, File.ReadAllBytes(file));
        Directory.Delete(cacheDir, true);
    }

    [Fact]
    public void CancellingWhileFraming_StopsBeforeTheNextBatch()
    {
        using var t = new TempTree();
        for (int i = 0; i < 100; i++) t.Add($"{(i % 2 == 0 ? "female" : "male")}/x{i}.png", TinyImages.Png(12, 10, i));
        var d = Dataset.Load(t.Root, TestLabels.Options);
        using var cancel = new CancellationTokenSource();
        var framing = new CancelOnFirstBatch(cancel);
        string cacheDir = t.Root + "-cache";
        try
        {
            Assert.Throws<OperationCanceledException>(() =>
                PixelCache.Open(d, Gray8 with { Framing = framing }, new PixelCacheOptions { Folder = cacheDir, Threads = 2, Cancellation = cancel.Token }));
            Assert.Equal(1, framing.Batches);   // 100 images are two batches of framing; the second never ran
            Assert.Empty(Directory.GetFiles(cacheDir));
        }
        finally
        {
            if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);
        }
    }

    private sealed class Recorder(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }

    /// <summary>Frames nothing (images pass as they are) and cancels its token on the first batch.</summary>
    private sealed class CancelOnFirstBatch(CancellationTokenSource cancel) : ImageFraming
    {
        public int Batches { get; private set; }

        public override string Key => "cancel";

        public override IReadOnlyList<Image> Frame(IReadOnlyList<Image> images)
        {
            Batches++;
            cancel.Cancel();
            return images;
        }
    }
}

public sealed class FileStampTests
{
    [Fact]
    public void Stamp_AgreesWithFileInfo()
    {
        using var t = new TempTree();
        string path = t.Add("a.bin", new byte[1234]);
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc).AddTicks(4567));
        var info = new FileInfo(path);
        Assert.Equal((info.Length, info.LastWriteTimeUtc.Ticks), FileStamp.Of(path));
        Assert.Equal((-1L, 0L), FileStamp.Of(t["missing.bin"]));
    }

    [Fact]
    public void OfMany_AgreesWithOf_AcrossFolders()
    {
        using var t = new TempTree();
        string[] paths = [t.Add("a/1.bin", [1]), t.Add("a/2.bin", [1, 2]), t["a/missing.bin"], t.Add("b/3.bin", [1, 2, 3]), t["nofolder/x.bin"], t.Add("4.bin", [4])];
        var stamps = new (long, long)[paths.Length];
        FileStamp.OfMany(paths, stamps);
        Assert.Equal(paths.Select(FileStamp.Of), stamps);
        Assert.Equal(2L, stamps[1].Item1);
        Assert.Equal(-1L, stamps[4].Item1);
    }
}

public sealed class PixelCacheEdgeTests
{
    [Fact]
    public void EmptyDataset_OpensWithNothingToDo()
    {
        using var t = new TempTree();
        var d = Dataset.FromFolder(t.Root, TestLabels.Options);
        var options = new PixelCacheOptions { Folder = t["cache"] };
        for (int run = 0; run < 2; run++)
            using (var c = PixelCache.Open(d, new PreprocessOptions { Size = 4 }, options)) Assert.Equal((0, true, 0), (c.Count, c.Stats.Hit, c.Stats.Decoded));
    }

    [Fact]
    public void FileName_DependsOnRootAndSettings()
    {
        var o = new PreprocessOptions { Size = 50 };
        Assert.Equal(PixelCache.FileName("/data/faces", o), PixelCache.FileName("/data/faces", o));
        Assert.NotEqual(PixelCache.FileName("/data/faces", o), PixelCache.FileName("/other/faces", o));
        Assert.NotEqual(PixelCache.FileName("/data/faces", o), PixelCache.FileName("/data/faces", o with { Mode = ResizeMode.Pad }));
        Assert.NotEqual(PixelCache.FileName("/data/faces", o, ["train"]), PixelCache.FileName("/data/faces", o, ["test"]));
        Assert.Equal(PixelCache.FileName("/data/faces", o, ["test", "train"]), PixelCache.FileName("/data/faces", o, ["train", "test"]));
        Assert.StartsWith("faces-", PixelCache.FileName("/data/faces", o));
        Assert.EndsWith("-50px-gray8-stretch.gmlfc", PixelCache.FileName("/data/faces", o));
    }

}
