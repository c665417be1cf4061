using System.Runtime.InteropServices;

namespace GenderML.Data.Tests;

/// <summary>
/// The hostile inputs of issue 14 that reach datasets and the pixel cache: link loops, special files, a damaged
/// cache file, an unusable cache folder.
/// </summary>
public sealed partial class HardeningTests
{
    private static readonly PreprocessOptions Gray8 = new() { Size = 8 };

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    private static TempTree TwoClasses(int perClass = 3)
    {
        var t = new TempTree();
        for (int i = 0; i < perClass; i++)
        {
            t.Add($"female/f{i}.png", TinyImages.Png(12, 10, i));
            t.Add($"male/m{i}.jpg", TinyImages.Jpeg(16, 12, 10 + i));
        }
        return t;
    }

    [Fact]
    public void A_link_loop_inside_a_class_folder_counts_each_file_once()
    {
        using var t = TwoClasses();
        Directory.CreateSymbolicLink(t["male/loop"], ".");
        Directory.CreateDirectory(t["female/deeper"]);
        Directory.CreateSymbolicLink(t["female/deeper/up"], t["female"]);
        var d = Dataset.Load(t.Root, TestLabels.Options);
        Assert.Equal(6, d.Items.Count);
        Assert.Equal([3, 3], d.CountByClass());
        Assert.Contains(d.Skipped, s => s.Path.EndsWith("loop", StringComparison.Ordinal) && s.Reason.Contains("already searched", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_linked_twice_is_counted_once()
    {
        using var t = TwoClasses();
        File.CreateSymbolicLink(t["male/again.jpg"], t["male/m0.jpg"]);
        var d = Dataset.Load(t.Root, TestLabels.Options);
        Assert.Equal(6, d.Items.Count);
        Assert.Single(d.Skipped, s => s.Reason.Contains("counted once", StringComparison.Ordinal));
    }

    [Fact]
    public void Special_files_in_a_data_folder_are_skipped_with_their_type_named_and_nothing_hangs()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var t = TwoClasses();
        Assert.Equal(0, MakeFifo(t["male/pipe.jpg"], 0x1A4));
        File.CreateSymbolicLink(t["female/x.jpg"], "/dev/zero");
        var d = Dataset.Load(t.Root, TestLabels.Options);
        Assert.Equal(6, d.Items.Count);
        Assert.Contains(d.Skipped, s => s.Path.EndsWith("pipe.jpg", StringComparison.Ordinal) && s.Reason.Contains("FIFO", StringComparison.Ordinal));
        Assert.Contains(d.Skipped, s => s.Path.EndsWith("x.jpg", StringComparison.Ordinal) && s.Reason.Contains("character device", StringComparison.Ordinal));
        // The header check and the decoder refuse them too when they are named directly.
        Assert.Contains("not a regular file", ImageHeader.Read(t["male/pipe.jpg"]).Error, StringComparison.Ordinal);
        var e = Assert.Throws<Imaging.ImageLoadException>(() => Preprocessor.Load(t["female/x.jpg"], Gray8, new byte[64]));
        Assert.Contains("character device", e.Reason, StringComparison.Ordinal);
    }

    private static string CacheOf(TempTree t, out PixelCacheOptions options, List<string> warnings)
    {
        string dir = t.Root + "-cache";
        options = new PixelCacheOptions { Folder = dir, Threads = 2, Warnings = warnings.Add };
        return dir;
    }

    [Fact]
    public void Bytes_overwritten_inside_cached_samples_are_found_by_their_checksum_and_decoded_again()
    {
        using var t = TwoClasses();
        var warnings = new List<string>();
        string dir = CacheOf(t, out var options, warnings);
        var d = Dataset.Load(t.Root, TestLabels.Options);
        byte[][] good;
        string file;
        long sample2;
        using (var c = PixelCache.Open(d, Gray8, options))
        {
            good = [.. Enumerable.Range(0, c.Count).Select(i => c.GetPixels(i).ToArray())];
            file = c.FilePath;
            sample2 = c.SampleOffset(2);
        }
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.Position = sample2 + 5; // inside sample 2, same file size
            stream.Write([0x55, 0xAA, 0x55, 0xAA, 0x55, 0xAA, 0x55, 0xAA]);
        }
        using (var c = PixelCache.Open(d, Gray8, options))
        {
            Assert.False(c.Stats.Hit);
            Assert.Equal(1, c.Stats.Decoded);
            for (int i = 0; i < c.Count; i++) Assert.Equal(good[i], c.GetPixels(i).ToArray());
        }
        Assert.Contains(warnings, w => w.Contains("1 cached sample(s) fail their checksum", StringComparison.Ordinal));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_damaged_cache_index_is_rebuilt_with_a_warning_never_fatal()
    {
        using var t = TwoClasses();
        var warnings = new List<string>();
        string dir = CacheOf(t, out var options, warnings);
        var d = Dataset.Load(t.Root, TestLabels.Options);
        string file;
        long index;
        using (var c = PixelCache.Open(d, Gray8, options))
        {
            file = c.FilePath;
            index = Enumerable.Range(0, c.Count).Max(c.SampleOffset) + Gray8.BytesPerImage; // the values block ends, the index starts
        }
        byte[] bytes = File.ReadAllBytes(file);
        for (long i = index; i < index + 12; i++) bytes[i] = 0xFF; // the first path's length prefix and text
        File.WriteAllBytes(file, bytes);
        for (int run = 0; run < 2; run++)
        {
            using var c = PixelCache.Open(d, Gray8, options);
            Assert.Equal(d.Items.Count, c.Count);
            Assert.Empty(c.Failed);
        }
        Assert.Single(warnings, w => w.Contains("damaged", StringComparison.Ordinal));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Without_a_home_folder_the_cache_goes_to_the_temp_folder_not_the_working_directory()
    {
        Assert.Equal(PixelCacheOptions.TempFolder(), PixelCacheOptions.DefaultFolder(null, ""));
        Assert.Equal(PixelCacheOptions.TempFolder(), PixelCacheOptions.DefaultFolder("relative", "also/relative"));
        Assert.Equal(Path.Combine("/home/u", ".cache", "genderml"), PixelCacheOptions.DefaultFolder(null, "/home/u"));
        Assert.True(Path.IsPathRooted(PixelCacheOptions.TempFolder()));
    }

    [Fact]
    public void A_cache_folder_that_cannot_be_written_is_named_with_the_setting_that_moves_it()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName == "root") return; // root writes anywhere
        using var t = TwoClasses();
        string dir = t.Root + "-readonly";
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var d = Dataset.Load(t.Root, TestLabels.Options);
            var e = Assert.Throws<IOException>(() => PixelCache.Open(d, Gray8, new PixelCacheOptions { Folder = dir }));
            Assert.Contains("PixelCacheOptions.Folder", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(dir, true);
        }
    }
}
