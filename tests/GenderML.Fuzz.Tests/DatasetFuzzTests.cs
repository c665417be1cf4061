using GenderML.Data;

namespace GenderML.Fuzz.Tests;

/// <summary>
/// A folder dataset salted with mutated images and special files, through <see cref="Dataset.Load"/> and
/// <see cref="PixelCache.Open"/>: nothing hangs or crashes, and every file is either a decoded sample or reported
/// with a reason (skipped by the loader, or failed in the cache).
/// </summary>
public sealed class DatasetFuzzTests : IDisposable
{
    private const int FilesPerClass = 300;

    private readonly string _root = Directory.CreateTempSubdirectory("genderml-fuzz-data-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true); // an unreadable file in a writable folder can still be deleted
    }

    private static readonly DatasetOptions Labels = new() { ClassNames = ["female", "male"] };

    [Fact]
    public void Every_file_of_a_salted_folder_is_a_sample_or_reported()
    {
        var seeds = Seeds.All;
        var written = new List<string>();
        foreach (var (label, offset) in new[] { ("female", 0), ("male", 1) })
        {
            string dir = Path.Combine(_root, "data", label);
            Directory.CreateDirectory(dir);
            for (int i = 0; i < FilesPerClass; i++)
            {
                var (name, seed) = seeds[(i + offset) % seeds.Count];
                var (bytes, _) = i % 5 == 0 ? (seed, "seed") : Mutator.Mutate(seed, seeds[(i + 3) % seeds.Count].Bytes, i, 17 + offset);
                string path = Path.Combine(dir, $"{i:D4}{Path.GetExtension(name)}");
                File.WriteAllBytes(path, bytes);
                written.Add(path);
            }
        }
        byte[] png = seeds.First(s => s.Name.EndsWith(".png", StringComparison.Ordinal)).Bytes;
        byte[] jpeg = seeds.First(s => s.Name.EndsWith(".jpg", StringComparison.Ordinal)).Bytes;
        written.AddRange(SpecialFiles.AddAll(Path.Combine(_root, "data", "male"), png, jpeg));
        Directory.CreateDirectory(Path.Combine(_root, "data", "female", "folder.jpg"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "data", "female", "loop"), Path.Combine(_root, "data"));

        var dataset = Dataset.Load(Path.Combine(_root, "data"), Labels);
        var items = dataset.Items.Select(i => i.Path).ToHashSet(StringComparer.Ordinal);
        var skipped = dataset.Skipped.ToDictionary(s => s.Path, s => s.Reason, StringComparer.Ordinal);
        foreach (string path in written)
            Assert.True(items.Contains(path) || skipped.ContainsKey(path), $"{path}: neither an item nor skipped");
        Assert.All(dataset.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        Assert.Equal(2 * FilesPerClass, dataset.Items.Count(i => !Path.GetFileNameWithoutExtension(i.Path).Any(char.IsLetter)));

        using var cache = PixelCache.Open(dataset, new PreprocessOptions { Size = 16 },
            new PixelCacheOptions { Folder = Path.Combine(_root, "cache"), Threads = 2 });
        var failed = cache.Failed.ToDictionary(f => f.Path, f => f.Reason, StringComparer.Ordinal);
        for (int i = 0; i < dataset.Items.Count; i++)
        {
            string path = dataset.Items[i].Path;
            Assert.True(cache.IsDecoded(i) || failed.ContainsKey(path), $"{path}: neither decoded nor failed");
            if (!cache.IsDecoded(i)) Assert.False(string.IsNullOrWhiteSpace(failed[path]));
        }
        Assert.Contains(failed.Keys.Concat(skipped.Keys), p => p.EndsWith("huge.png", StringComparison.Ordinal));
        Assert.True(cache.Failed.Count < dataset.Items.Count, "some mutated files still decode");
    }
}
