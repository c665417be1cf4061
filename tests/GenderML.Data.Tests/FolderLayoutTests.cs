namespace GenderML.Data.Tests;

public sealed class FolderLayoutTests
{
    private static Dictionary<string, int[]> Counts(Dataset d) =>
        d.Splits.ToDictionary(s => s, s => d.CountByClass(s));

    [Fact]
    public void FlatClassFolders_GiveSplitAll()
    {
        using var t = new TempTree();
        t.Add("female/a.jpg"); t.Add("female/b.png"); t.Add("male/c.jpeg");
        var d = Dataset.FromFolder(t.Root, TestLabels.Options);
        Assert.Equal(["all"], d.Splits);
        Assert.Equal([2, 1], d.CountByClass("all"));
        Assert.Empty(d.Skipped);
        Assert.All(d.Items, i => Assert.Equal(d.ClassNames[i.Label], i.ClassName));
    }

    [Fact]
    public void SplitFolders_AreNormalised()
    {
        using var t = new TempTree();
        t.Add("Training/female/a.jpg"); t.Add("Training/male/b.jpg"); t.Add("Training/male/c.jpg");
        t.Add("Validation/female/d.jpg"); t.Add("test/MALE/e.jpg");
        var d = Dataset.Load(t.Root, TestLabels.Options);
        var counts = Counts(d);
        Assert.Equal(["train", "validation", "test"], d.Splits);
        Assert.Equal([1, 2], counts["train"]);
        Assert.Equal([1, 0], counts["validation"]);
        Assert.Equal([0, 1], counts["test"]);
    }

    [Fact]
    public void DeeperSplitFolders_AndSubfoldersInsideClassFolders()
    {
        using var t = new TempTree();
        t.Add("v2/train/women/x/a.jpg"); t.Add("v2/train/men/b.jpg");
        var d = Dataset.FromFolder(t.Root, TestLabels.Options);
        Assert.Equal(["v2/train"], d.Splits);
        Assert.Equal([1, 1], d.CountByClass());
    }

    [Theory]
    [InlineData("woman", 0)]
    [InlineData("Women", 0)]
    [InlineData("F", 0)]
    [InlineData("MAN", 1)]
    [InlineData("men", 1)]
    [InlineData("m", 1)]
    public void Aliases_AreCaseInsensitive(string folder, int label)
    {
        using var t = new TempTree();
        t.Add($"{folder}/a.jpg");
        var d = Dataset.FromFolder(t.Root, TestLabels.Options);
        Assert.Equal(label, Assert.Single(d.Items).Label);
    }

    [Fact]
    public void UserMapping_AddsAWord()
    {
        using var t = new TempTree();
        t.Add("frau/a.jpg"); t.Add("mann/b.jpg");
        var before = Dataset.FromFolder(t.Root, TestLabels.Options);
        Assert.Empty(before.Items);
        Assert.Equal(2, before.Skipped.Count(s => s.Kind == SkipKind.UnknownLabel));
        var options = TestLabels.Options.WithAlias("frau", "female").WithAlias("Mann", "male");
        var after = Dataset.FromFolder(t.Root, options);
        Assert.Equal([1, 1], after.CountByClass());
    }

    [Fact]
    public void MappingToAnUnknownClass_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new LabelResolver(TestLabels.Options.WithAlias("x", "robot")));
        Assert.Contains("robot", e.Message);
    }

    [Fact]
    public void EverySkippedFile_HasAReason()
    {
        using var t = new TempTree();
        t.Add("train/female/a.jpg");
        t.AddText("train/female/notes.txt", "hi");
        t.Add("train/other/b.jpg");
        t.Add("loose.jpg");
        t.Add("train/female/.hidden/c.jpg");
        var d = Dataset.FromFolder(t.Root, TestLabels.Options);
        Assert.Single(d.Items);
        var byName = d.Skipped.ToDictionary(s => Path.GetFileName(s.Path));
        Assert.Equal(SkipKind.NotAnImage, byName["notes.txt"].Kind);
        Assert.Equal(SkipKind.UnknownLabel, byName["b.jpg"].Kind);
        Assert.Contains("'other'", byName["b.jpg"].Reason);
        Assert.Equal(SkipKind.UnknownLabel, byName["loose.jpg"].Kind);
        Assert.Contains("hidden", byName[".hidden"].Reason);
        Assert.All(d.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
    }

    [Fact]
    public void Items_AreSortedByPath()
    {
        using var t = new TempTree();
        foreach (string n in new[] { "z", "a", "m", "B" }) t.Add($"male/{n}.jpg");
        var d = Dataset.FromFolder(t.Root, TestLabels.Options);
        Assert.Equal(d.Items.Select(i => i.Path).Order(StringComparer.Ordinal), d.Items.Select(i => i.Path));
    }

    [Fact]
    public void MissingFolder_Throws_AndEmptyFolder_SaysWhatWasExpected()
    {
        Assert.Throws<DirectoryNotFoundException>(() => Dataset.Load("/no/such/folder/x", TestLabels.Options));
        using var t = new TempTree();
        var e = Assert.Throws<InvalidDataException>(() => Dataset.Load(t.Root, TestLabels.Options));
        Assert.Contains("female", e.Message);
    }
}
