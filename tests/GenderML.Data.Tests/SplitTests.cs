namespace GenderML.Data.Tests;

public sealed class SplitTests
{
    private static Dataset Make(TempTree t, int female, int male)
    {
        for (int i = 0; i < female; i++) t.Add($"female/{i:D4}.jpg");
        for (int i = 0; i < male; i++) t.Add($"male/{i:D4}.jpg");
        return Dataset.FromFolder(t.Root, TestLabels.Options);
    }

    [Fact]
    public void SameSeed_SameSplit_DifferentSeed_DifferentSplit()
    {
        using var t = new TempTree();
        var d = Make(t, 50, 30);
        var a = d.SplitStratified(SplitFractions.Default, 7);
        var b = d.SplitStratified(SplitFractions.Default, 7);
        var c = d.SplitStratified(SplitFractions.Default, 8);
        Assert.Equal(a.Items, b.Items);
        Assert.NotEqual(a.Items.Select(i => i.Split), c.Items.Select(i => i.Split));
    }

    [Fact]
    public void Split_IgnoresEnumerationOrder()
    {
        using var t = new TempTree();
        var d = Make(t, 20, 20);
        var shuffled = new Dataset(d.Root, [.. d.ClassNames], d.Items.Reverse(), []);
        Assert.Equal(d.SplitStratified(SplitFractions.Default, 3).Items, shuffled.SplitStratified(SplitFractions.Default, 3).Items);
    }

    [Fact]
    public void Split_IsStratified()
    {
        using var t = new TempTree();
        var d = Make(t, 100, 40).SplitStratified(new SplitFractions(0.7, 0.2, 0.1), 1);
        Assert.Equal([70, 28], d.CountByClass("train"));
        Assert.Equal([20, 8], d.CountByClass("validation"));
        Assert.Equal([10, 4], d.CountByClass("test"));
    }

    [Fact]
    public void OnlySplit_KeepsOtherSplits()
    {
        using var t = new TempTree();
        for (int i = 0; i < 10; i++) { t.Add($"train/female/{i}.jpg"); t.Add($"train/male/{i}.jpg"); t.Add($"test/male/{i}.jpg"); }
        var d = Dataset.FromFolder(t.Root, TestLabels.Options).SplitStratified(new SplitFractions(0.8, 0.2, 0), 5, onlySplit: "train");
        Assert.Equal([8, 8], d.CountByClass("train"));
        Assert.Equal([2, 2], d.CountByClass("validation"));
        Assert.Equal([0, 10], d.CountByClass("test"));
    }

    [Fact]
    public void Fractions_AreChecked()
    {
        Assert.Throws<ArgumentException>(() => new SplitFractions(0.5, 0.2, 0.2));
        Assert.Throws<ArgumentException>(() => new SplitFractions(-0.1, 0.6, 0.5));
    }
}
