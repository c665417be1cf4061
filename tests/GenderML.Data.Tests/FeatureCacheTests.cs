using System.Runtime.InteropServices;

namespace GenderML.Data.Tests;

/// <summary>The one feature cache under pixels, embeddings and prefixes: recovery, reuse, concurrency, element types.</summary>
public sealed class FeatureCacheTests
{
    private const int Length = 5;

    /// <summary>Files f0..f(n-1) with distinct contents, and the cache file's path.</summary>
    private static (TempTree Tree, string[] Paths, string Cache) Files(int n)
    {
        var t = new TempTree();
        string[] paths = [.. Enumerable.Range(0, n).Select(i => t.Add($"in/f{i}.bin", [.. Enumerable.Range(0, 10 + i).Select(j => (byte)(i * 7 + j))]))];
        return (t, paths, Path.Combine(t.Root, "cache", "test.gmlfc"));
    }

    /// <summary>A computation of float values from a file's bytes that counts its calls; "bad" files fail.</summary>
    private sealed class Counting
    {
        public int Files;

        public void Compute(IReadOnlyList<int> items, byte[][] bytes, byte[] values, string?[] errors)
        {
            Interlocked.Add(ref Files, items.Count);
            var f = MemoryMarshal.Cast<byte, float>(values.AsSpan());
            for (int k = 0; k < items.Count; k++)
            {
                if (bytes[k].Length == 3) { errors[k] = "bad"; continue; }
                for (int j = 0; j < Length; j++) f[k * Length + j] = bytes[k][0] * 1000 + bytes[k].Length + j / 8f;
            }
        }
    }

    private static float[] Expected(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        return [.. Enumerable.Range(0, Length).Select(j => b[0] * 1000 + b.Length + j / 8f)];
    }

    private static FeatureCache Cache(string file, List<string>? warnings = null) =>
        new(file, FeatureElement.Float32, Length, "test-key", warnings is null ? null : warnings.Add);

    private static FeatureLookup Fill(FeatureCache cache, string[] paths, Counting c, int chunk = 1024) =>
        cache.Fill(paths, c.Compute, new FeatureFillOptions { Threads = 2, ChunkSize = chunk });

    private static void AssertValues(FeatureCache cache, FeatureLookup lookup, string[] paths)
    {
        for (int i = 0; i < paths.Length; i++) Assert.Equal(Expected(paths[i]), cache.ReadSingles(lookup.Offsets[i]));
    }

    [Fact]
    public void SecondFill_IsAHit_WithTheSameValues_AndErrorsAreCachedToo()
    {
        var (t, paths, file) = Files(6);
        using var _ = t;
        File.WriteAllBytes(paths[5], [1, 2, 3]);   // "bad"
        var c = new Counting();
        using (var cache = Cache(file))
        {
            var first = Fill(cache, paths, c, chunk: 4);
            Assert.Equal((false, 0, 6), (first.Hit, first.Reused, first.Computed));
            AssertValues(cache, first, paths[..5]);
            Assert.Equal("bad", first.Errors[5]);
        }
        using (var cache = Cache(file))
        {
            var second = Fill(cache, paths, c);
            Assert.True(second.Hit);
            AssertValues(cache, second, paths[..5]);
            Assert.Equal((-1L, "bad"), (second.Offsets[5], second.Errors[5]));
        }
        Assert.Equal(6, c.Files);
    }

    [Fact]
    public void TouchedAndMovedFiles_ReuseTheirValues_ThenHitByIdentity()
    {
        var (t, paths, file) = Files(4);
        using var _ = t;
        var c = new Counting();
        using (var cache = Cache(file)) Fill(cache, paths, c);
        File.SetLastWriteTimeUtc(paths[0], new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        string moved = Path.Combine(t.Root, "in", "moved.bin");
        File.Move(paths[1], moved);
        paths[1] = moved;
        using (var cache = Cache(file))
        {
            var lookup = Fill(cache, paths, c);
            Assert.Equal((false, 4, 0), (lookup.Hit, lookup.Reused, lookup.Computed));
            AssertValues(cache, lookup, paths);
        }
        using (var cache = Cache(file)) Assert.True(Fill(cache, paths, c).Hit);
        Assert.Equal(4, c.Files);
    }

    [Fact]
    public void FlippedByteInValues_IsRecomputed_WithAWarning()
    {
        var (t, paths, file) = Files(4);
        using var _ = t;
        var c = new Counting();
        long offset;
        using (var cache = Cache(file)) offset = Fill(cache, paths, c).Offsets[2];
        using (var s = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            s.Position = offset + 3;
            int b = s.ReadByte();
            s.Position = offset + 3;
            s.WriteByte((byte)(b ^ 0x10));
        }
        var warnings = new List<string>();
        using (var cache = Cache(file, warnings))
        {
            var lookup = Fill(cache, paths, c);
            Assert.Equal((3, 1), (lookup.Reused, lookup.Computed));
            AssertValues(cache, lookup, paths);
        }
        Assert.Contains(warnings, w => w.Contains("1 cached sample(s) fail their checksum", StringComparison.Ordinal));
        Assert.Equal(5, c.Files);
    }

    [Fact]
    public void TruncatedLastSegment_KeepsTheEarlierOnes_WithAWarning()
    {
        var (t, paths, file) = Files(6);
        using var _ = t;
        var c = new Counting();
        using (var cache = Cache(file)) Fill(cache, paths, c, chunk: 2);   // three segments
        using (var s = new FileStream(file, FileMode.Open, FileAccess.Write)) s.SetLength(s.Length - 7);
        var warnings = new List<string>();
        using (var cache = Cache(file, warnings))
        {
            var lookup = Fill(cache, paths, c);
            Assert.Equal((4, 2), (lookup.Reused, lookup.Computed));
            AssertValues(cache, lookup, paths);
        }
        Assert.Single(warnings, w => w.Contains("incomplete", StringComparison.Ordinal));
        using (var cache = Cache(file)) Assert.True(Fill(cache, paths, c).Hit);
    }

    [Fact]
    public void CancelledFill_KeepsTheChunksItAppended()
    {
        var (t, paths, file) = Files(6);
        using var _ = t;
        using var cancel = new CancellationTokenSource();
        var c = new Counting();
        using (var cache = Cache(file))
        {
            void CancelAfterFirst(IReadOnlyList<int> items, byte[][] bytes, byte[] values, string?[] errors)
            {
                c.Compute(items, bytes, values, errors);
                cancel.Cancel();
            }
            Assert.Throws<OperationCanceledException>(() =>
                cache.Fill(paths, CancelAfterFirst, new FeatureFillOptions { ChunkSize = 2, Cancellation = cancel.Token }));
        }
        using (var cache = Cache(file))
        {
            var lookup = Fill(cache, paths, c, chunk: 2);
            Assert.Equal((2, 4), (lookup.Reused, lookup.Computed));
            AssertValues(cache, lookup, paths);
        }
        Assert.Equal(6, c.Files);
    }

    [Fact]
    public void DamagedHeader_IsRebuilt_WithOneWarning_AndForeignSettingsQuietly()
    {
        var (t, paths, file) = Files(3);
        using var _ = t;
        var c = new Counting();
        using (var cache = Cache(file)) Fill(cache, paths, c);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[10] ^= 1;   // the version field: the header's checksum fails
        File.WriteAllBytes(file, bytes);
        var warnings = new List<string>();
        using (var cache = Cache(file, warnings))
        {
            var lookup = Fill(cache, paths, c);
            Assert.Equal((0, 3), (lookup.Reused, lookup.Computed));
            AssertValues(cache, lookup, paths);
        }
        Assert.Single(warnings, w => w.Contains("header is damaged", StringComparison.Ordinal));
        warnings.Clear();
        using (var other = new FeatureCache(file, FeatureElement.Float32, Length, "another-key", warnings.Add))
            Assert.Equal(3, Fill(other, paths, c).Computed);
        Assert.Empty(warnings);
    }

    [Fact]
    public void OldFormatFiles_AreNotUsed_AndDoNotFail()
    {
        var (t, paths, file) = Files(2);
        using var _ = t;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, [.. "GMLPIXC1"u8, .. new byte[5000]]);   // the old pixel cache's magic
        var warnings = new List<string>();
        using var cache = Cache(file, warnings);
        var lookup = Fill(cache, paths, new Counting());
        AssertValues(cache, lookup, paths);
    }

    [Fact]
    public void ConcurrentFills_OfOneFile_ComputeEachFileOnce_AndAllReadTheSameValues()
    {
        var (t, paths, file) = Files(40);
        using var _ = t;
        var c = new Counting();
        var results = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, r =>
        {
            using var cache = Cache(file);
            var lookup = Fill(cache, paths, c, chunk: 8);
            results[r] = [.. lookup.Offsets.Select(cache.ReadSingles)];
        });
        Assert.Equal(40, c.Files);
        foreach (var r in results)
            for (int i = 0; i < paths.Length; i++) Assert.Equal(Expected(paths[i]), r[i]);
    }

    [Fact]
    public void AllThreeElementTypes_RoundTrip()
    {
        var (t, paths, _) = Files(3);
        using var __ = t;
        foreach (var element in new[] { FeatureElement.UInt8, FeatureElement.Float16, FeatureElement.Float32 })
        {
            string file = Path.Combine(t.Root, "cache", $"{element}.gmlfc");
            void Compute(IReadOnlyList<int> items, byte[][] bytes, byte[] values, string?[] errors)
            {
                for (int k = 0; k < items.Count; k++) Write(element, values.AsSpan(k * 3 * (int)element), bytes[k].Length);
            }
            for (int run = 0; run < 2; run++)
            {
                using var cache = new FeatureCache(file, element, 3, "k", null);
                var lookup = cache.Fill(paths, Compute, new FeatureFillOptions());
                Assert.Equal(run == 1, lookup.Hit);
                for (int i = 0; i < paths.Length; i++)
                {
                    var expected = new byte[3 * (int)element];
                    Write(element, expected, (int)new FileInfo(paths[i]).Length);
                    var actual = new byte[expected.Length];
                    cache.ReadValues(lookup.Offsets[i], actual);
                    Assert.Equal(expected, actual);
                }
                if (element == FeatureElement.Float16) Assert.Equal((Half)10.5f, cache.ReadHalves(lookup.Offsets[0])[1]);
                if (element == FeatureElement.Float32) Assert.Equal(10.5f, cache.ReadSingles(lookup.Offsets[0])[1]);
            }
        }

        static void Write(FeatureElement element, Span<byte> destination, int n)
        {
            for (int j = 0; j < 3; j++)
            {
                float v = n + j / 2f;
                switch (element)
                {
                    case FeatureElement.UInt8: destination[j] = (byte)(n + j); break;
                    case FeatureElement.Float16: MemoryMarshal.Cast<byte, Half>(destination)[j] = (Half)v; break;
                    default: MemoryMarshal.Cast<byte, float>(destination)[j] = v; break;
                }
            }
        }
    }
}
