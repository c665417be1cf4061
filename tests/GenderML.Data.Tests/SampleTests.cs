namespace GenderML.Data.Tests;

public sealed class SampleTests
{
    private static Dataset Make(TempTree t, int female, int male)
    {
        for (int i = 0; i < female; i++) t.Add($"female/{i:D4}.jpg");
        for (int i = 0; i < male; i++) t.Add($"male/{i:D4}.jpg");
        return Dataset.FromFolder(t.Root, TestLabels.Options);
    }

    [Fact]
    public void Sample_TakesAtMostPerClass_KeepsSmallClasses_AndFollowsTheSeed()
    {
        using var t = new TempTree();
        var d = Make(t, 30, 4);
        var a = d.Sample(10, seed: 5);
        Assert.Equal([10, 4], a.CountByClass());
        Assert.Equal(a.Items, d.Sample(10, seed: 5).Items);
        Assert.NotEqual(a.Items, d.Sample(10, seed: 6).Items);
        Assert.Equal(a.Items.OrderBy(i => i.Path, StringComparer.Ordinal), a.Items);
        Assert.Empty(d.Sample(0, seed: 1).Items);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Sample(-1, seed: 1));
    }
}
