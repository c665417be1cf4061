using System.Text.Json;
using GenderML.Cli;
using GenderML.Imaging;

namespace GenderML.Tests.Cli;

/// <summary>Runs <c>genderml data ...</c> in-process with the console captured (one test at a time: the console is global).</summary>
[Collection("Console")]
public sealed class DataCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "genderml-cli-data-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private string Add(string relative, byte[] bytes)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Face(int seed, int w = 10, int h = 12)
    {
        var img = new Image(w, h, PixelFormat.Gray8);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)(seed * 40 + i % 7);
        return img.EncodePng();
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void InspectJson_HasExactlyTheDocumentedShape_AndListsEachCorruptFile()
    {
        Add("train/women/a.png", Face(1)); Add("train/women/b.png", Face(2)); Add("train/Men/c.png", Face(3));
        Add("test/female/d.png", Face(4));
        Add("train/men/empty.jpg", []);
        Add("train/men/page.jpg", "<html>not found</html>"u8.ToArray());
        Add("train/men/cut.png", Face(5)[..30]);
        var (code, stdout, _) = Run("data", "inspect", _root, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var top = doc.RootElement;
        Assert.Equal(["splits", "skipped", "seconds"], top.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, top.GetProperty("splits").GetProperty("train").GetProperty("female").GetInt32());
        Assert.Equal(1, top.GetProperty("splits").GetProperty("train").GetProperty("male").GetInt32());
        Assert.Equal(1, top.GetProperty("splits").GetProperty("test").GetProperty("female").GetInt32());
        Assert.Equal(0, top.GetProperty("splits").GetProperty("test").GetProperty("male").GetInt32());
        var skipped = top.GetProperty("skipped").EnumerateArray().ToDictionary(s => Path.GetFileName(s.GetProperty("path").GetString()!), s => s.GetProperty("reason").GetString()!);
        Assert.Equal(["cut.png", "empty.jpg", "page.jpg"], skipped.Keys.Order(StringComparer.Ordinal));
        Assert.All(skipped.Values, r => Assert.False(string.IsNullOrWhiteSpace(r)));
        Assert.True(top.GetProperty("seconds").GetDouble() >= 0);
    }

    [Fact]
    public void Inspect_FlatFolder_UsesSplitAll_AndTextReportsSizes()
    {
        Add("female/a.png", Face(1, 10, 12)); Add("male/b.png", Face(2, 20, 30));
        var (code, stdout, _) = Run("data", "inspect", _root, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(["all"], doc.RootElement.GetProperty("splits").EnumerateObject().Select(p => p.Name));
        var text = Run("data", "inspect", _root);
        Assert.Contains("width", text.Out);
        Assert.Contains("50.0 %", text.Out);
    }

    [Fact]
    public void Inspect_MissingFolder_UnknownOption_UnknownSubcommand_Exit2()
    {
        Assert.Equal(2, Run("data", "inspect", Path.Combine(_root, "nope")).Code);
        Directory.CreateDirectory(_root);
        Assert.Equal(2, Run("data", "inspect", _root).Code);
        Assert.Equal(2, Run("data", "inspect", _root, "--jsno").Code);
        Assert.Equal(2, Run("data", "frobnicate").Code);
    }

    [Fact]
    public void Average_WritesThreePanelsSideBySide()
    {
        Add("female/a.png", Face(1)); Add("female/b.png", Face(3)); Add("male/c.png", Face(5));
        string png = _root + "-avg.png"; // beside the data folder: an image inside it would become a sample
        var (code, _, err) = Run("data", "average", _root, "--out", png, "--size", "8", "--cache-dir", Path.Combine(_root, "cache"));
        Assert.True(code == 0, err);
        var image = Image.Load(png);
        File.Delete(png);
        Assert.Equal((3 * 8 + 2 * 2, 8), (image.Width, image.Height));
        Assert.InRange(image.Pixels[0], 80, 86); // mean of seeds 1 and 3: (40 + 120) / 2, plus the small ramp
        Assert.InRange(image.Pixels[10], 200, 206);
        Assert.Equal(255, image.Pixels[20]); // male − female at its largest: white
    }
}
