namespace GenderML.Data.Tests;

public sealed class ValidationTests
{
    [Theory]
    [InlineData(ValidationLevel.Header)]
    [InlineData(ValidationLevel.Decode)]
    public void CorruptFiles_AreEachListedWithAReason(ValidationLevel level)
    {
        using var t = new TempTree();
        t.Add("train/female/good1.png", TinyImages.Png(12, 10, 1));
        t.Add("train/male/good2.jpg", TinyImages.Jpeg(16, 12, 2));
        foreach (var (name, bytes) in TinyImages.Corrupt()) t.Add($"train/male/{name}", bytes);
        var result = Dataset.Load(t.Root, TestLabels.Options).Validate(level, threads: 2);
        var bad = result.Dataset.Skipped.ToDictionary(s => Path.GetFileName(s.Path));
        string[] expectBad = level == ValidationLevel.Decode
            ? ["empty.jpg", "truncated.jpg", "random.jpg", "page.jpg", "huge.png"]
            : ["empty.jpg", "random.jpg", "page.jpg", "huge.png"];
        foreach (string name in expectBad) Assert.True(bad.ContainsKey(name), $"{name} not reported");
        Assert.Contains("HTML", bad["page.jpg"].Reason);
        Assert.Equal(["good1.png", "good2.jpg"], result.Dataset.Items.Select(i => Path.GetFileName(i.Path)).Where(n => n.StartsWith("good")));
        int good1 = result.Dataset.Items.ToList().FindIndex(i => i.Path.EndsWith("good1.png"));
        Assert.Equal(new ImageSize(12, 10), result.Sizes[good1]);
    }

    [Fact]
    public void Header_ReadsJpegAndPngSizes()
    {
        Assert.Equal((16, 12, (string?)null), ImageHeader.Parse(TinyImages.Jpeg(16, 12), complete: true));
        Assert.Equal((7, 3, (string?)null), ImageHeader.Parse(TinyImages.Png(7, 3), complete: true));
        Assert.Contains("empty", ImageHeader.Parse([], true).Error);
    }
}
