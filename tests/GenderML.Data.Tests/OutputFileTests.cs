using System.Runtime.InteropServices;

namespace GenderML.Data.Tests;

/// <summary>The output rule: temp file and rename over a regular file only, never an input, never inside a data folder read.</summary>
public sealed partial class OutputFileTests
{
    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    [Fact]
    public void An_output_that_is_an_input_is_refused_by_any_path_to_it()
    {
        using var t = new TempTree();
        string model = t.Add("m.zip", [1, 2, 3]);
        File.CreateSymbolicLink(t["alias.zip"], model);
        Assert.Throws<IOException>(() => OutputFile.Check(model, model));
        Assert.Throws<IOException>(() => OutputFile.Check(t["sub/../m.zip"], model));
        var e = Assert.Throws<IOException>(() => OutputFile.Check(model, t["alias.zip"]));
        Assert.Contains("also an input", e.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(model));
        OutputFile.Check(t["other.csv"], model, null);
    }

    [Fact]
    public void An_output_inside_a_data_folder_being_read_is_refused()
    {
        using var t = new TempTree();
        string image = t.Add("data/male/a.jpg");
        Assert.Throws<IOException>(() => OutputFile.Check(image, t["data"]));
        var e = Assert.Throws<IOException>(() => OutputFile.Check(t["data/female/avg.png"], t["data"]));
        Assert.Contains("inside the folder", e.Message, StringComparison.Ordinal);
        Directory.CreateSymbolicLink(t["linked"], t["data"]);
        Assert.Throws<IOException>(() => OutputFile.Check(t["linked/avg.png"], t["data"]));
        OutputFile.Check(t["avg.png"], t["data"]);
        OutputFile.Check(t["data/model.zip"], t["data"]); // not an image: the folder readers skip it
    }

    [Fact]
    public void Special_files_and_links_at_the_output_are_refused_and_left_as_they_are()
    {
        using var t = new TempTree();
        string target = t.Add("target.bin", [9]);
        File.CreateSymbolicLink(t["link.zip"], target);
        Directory.CreateDirectory(t["folder.zip"]);
        Assert.Throws<IOException>(() => OutputFile.WriteAllText(t["link.zip"], "x"));
        Assert.Throws<IOException>(() => OutputFile.WriteAllText(t["folder.zip"], "x"));
        Assert.Throws<IOException>(() => OutputFile.Check(t["link.zip"]));
        Assert.Equal([9], File.ReadAllBytes(target));
        Assert.NotNull(new FileInfo(t["link.zip"]).LinkTarget);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(0, MakeFifo(t["fifo.zip"], 0x1A4));
            var e = Assert.Throws<IOException>(() => OutputFile.WriteAllBytes(t["fifo.zip"], [1]));
            Assert.Contains("FIFO", e.Message, StringComparison.Ordinal);
            Assert.Throws<IOException>(() => OutputFile.Check("/dev/full"));
            Assert.Throws<IOException>(() => OutputFile.WriteAllBytes("/dev/null", [1]));
        }
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        using var t = new TempTree();
        string path = t.Add("out.csv", [1, 2]);
        Assert.Throws<InvalidOperationException>(() => OutputFile.Write(path, s =>
        {
            s.Write([7, 7, 7]);
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal([1, 2], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(t.Root));
        OutputFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(t.Root));
    }

    [Fact]
    public void A_second_writer_of_the_same_output_fails_at_once_while_the_first_holds_the_lock()
    {
        using var t = new TempTree();
        string path = t["model.zip"];
        using (OutputFile.Lock(path))
        {
            var e = Assert.Throws<IOException>(() => OutputFile.Lock(path));
            Assert.Contains("another running command", e.Message, StringComparison.Ordinal);
        }
        using (OutputFile.Lock(path)) { }
        Assert.False(File.Exists(path + ".lock"));
    }
}
