namespace GenderML.Data.Tests;

public sealed class CsvLayoutTests
{
    [Fact]
    public void Manifest_WithHeaderAndSplit()
    {
        using var t = new TempTree();
        t.Add("img/a.jpg"); t.Add("img/b.jpg"); t.Add("img/c.jpg");
        string csv = t.AddText("manifest.csv", "file,split,label\nimg/a.jpg,train,female\n\"img/b.jpg\",Validation,Man\nimg/c.jpg,test,robot\nimg/missing.jpg,train,male\nimg/a.jpg,train,male\nshort\n");
        var d = Dataset.Load(csv, TestLabels.Options);
        Assert.Equal(2, d.Items.Count);
        Assert.Equal("train", d.Items[0].Split);
        Assert.Equal(("validation", 1), (d.Items[1].Split, d.Items[1].Label));
        Assert.Equal(4, d.Skipped.Count);
        Assert.Contains(d.Skipped, s => s.Kind == SkipKind.UnknownLabel && s.Reason.Contains("robot"));
        Assert.Contains(d.Skipped, s => s.Path.EndsWith("missing.jpg") && s.Reason.Contains("does not exist"));
        Assert.Contains(d.Skipped, s => s.Reason.Contains("listed again"));
        Assert.Contains(d.Skipped, s => s.Reason.Contains("fields"));
    }

    [Fact]
    public void Manifest_WithoutHeader_UsesFirstTwoColumns()
    {
        using var t = new TempTree();
        t.Add("a.jpg"); t.Add("b.jpg");
        string csv = t.AddText("list.csv", "a.jpg,f\nb.jpg,m\n");
        var d = Dataset.FromCsvManifest(csv, TestLabels.Options);
        Assert.Equal([1, 1], d.CountByClass("all"));
    }

    [Fact]
    public void IdLabelCsv_JoinsFilesNamedById()
    {
        using var t = new TempTree();
        t.Add("photos/1001.jpg"); t.Add("photos/1002.png"); t.Add("photos/1004.jpg"); t.AddText("photos/readme.md", "x");
        string csv = t.AddText("users.csv", "user_id,gender\n1001,F\n1002,male\n1003,female\n1001,male\n");
        var d = Dataset.FromIdLabelCsv(csv, t["photos"], TestLabels.Options);
        Assert.Equal(["1001.jpg", "1002.png"], d.Items.Select(i => Path.GetFileName(i.Path)));
        Assert.Equal([0, 1], d.Items.Select(i => i.Label));
        Assert.Contains(d.Skipped, s => s.Reason.Contains("no image for id '1003'"));
        Assert.Contains(d.Skipped, s => s.Reason.Contains("id '1004' has no row"));
        Assert.Contains(d.Skipped, s => s.Reason.Contains("listed again"));
        Assert.Contains(d.Skipped, s => s.Kind == SkipKind.NotAnImage);
    }

    [Fact]
    public void CelebA_MapsMaleColumnAndPartitions()
    {
        using var t = new TempTree();
        t.Add("img_align_celeba/000001.jpg"); t.Add("img_align_celeba/000002.jpg"); t.Add("img_align_celeba/000003.jpg");
        t.AddText("list_attr_celeba.csv", "image_id,Smiling,Male,Young\n000001.jpg,1,-1,1\n000002.jpg,-1,1,1\n000003.jpg,1,7,1\n");
        t.AddText("list_eval_partition.csv", "image_id,partition\n000001.jpg,0\n000002.jpg,2\n000003.jpg,1\n");
        var d = Dataset.Load(t.Root, TestLabels.Options);
        Assert.Equal(["female", "male"], d.ClassNames);
        Assert.Equal([("000001.jpg", "female", "train"), ("000002.jpg", "male", "test")],
            d.Items.Select(i => (Path.GetFileName(i.Path), i.ClassName, i.Split)));
        var bad = Assert.Single(d.Skipped);
        Assert.Contains("'7'", bad.Reason);
        // Attributes that describe groups (Young here) become the items' groups; the label column does not.
        Assert.Equal(["young (CelebA)"], d.Items[0].Groups.Keys);
        Assert.Equal("young", d.Items[0].Groups["young (CelebA)"]);
    }

    [Fact]
    public void Manifest_ColumnsBeyondPathLabelSplit_AreMetadata_AndAgeEthnicityGroupAreGroups()
    {
        using var t = new TempTree();
        t.Add("a.jpg"); t.Add("b.jpg");
        string csv = t.AddText("m.csv", "path,label,age,ethnicity,camera\na.jpg,female,15,Black,x1\nb.jpg,male,64,,x2\n");
        var d = Dataset.Load(csv, TestLabels.Options);
        Assert.Equal(("under 16", "Black"), (d.Items[0].Groups[GroupNames.AgeBand], d.Items[0].Groups[GroupNames.Ethnicity]));
        Assert.Equal("x1", d.Items[0].Metadata["camera"]);
        Assert.Equal(["age band"], d.Items[1].Groups.Keys);
        Assert.Equal("60+", d.Items[1].Groups[GroupNames.AgeBand]);
    }

    [Fact]
    public void CelebA_OriginalTextFormat()
    {
        using var t = new TempTree();
        t.Add("imgs/000001.jpg"); t.Add("imgs/000002.jpg");
        string attrs = t.AddText("list_attr_celeba.txt", "2\nSmiling Male\n000001.jpg  1 -1\n000002.jpg -1  1\n");
        var d = Dataset.FromCelebA(attrs, t["imgs"], null, new BinaryAttribute("Male", "m", "f"));
        Assert.Equal(["f", "m"], d.Items.Select(i => i.ClassName));
        Assert.All(d.Items, i => Assert.Equal("all", i.Split));
    }

    [Fact]
    public void UtkFace_KeepsAgeAndRace()
    {
        using var t = new TempTree();
        t.Add("UTKFace/26_1_2_20170116174525125.jpg.chip.jpg");
        t.Add("UTKFace/61_0_0_20170117191224365.jpg");
        t.Add("UTKFace/39_1_20170116174525125.jpg.chip.jpg");
        t.Add("UTKFace/holiday.jpg");
        var d = Dataset.Load(t["UTKFace"], TestLabels.Options);
        Assert.Equal(2, d.Items.Count);
        var woman = d.Items.Single(i => i.Path.Contains("26_1"));
        Assert.Equal("female", woman.ClassName);
        Assert.Equal("26", woman.Metadata["age"]);
        Assert.Equal("2", woman.Metadata["race"]);
        Assert.Equal(("20–39", "Asian"), (woman.Groups[GroupNames.AgeBand], woman.Groups[GroupNames.Ethnicity]));
        var man = d.Items.Single(i => i.Path.Contains("61_0"));
        Assert.Equal(("60+", "White"), (man.Groups[GroupNames.AgeBand], man.Groups[GroupNames.Ethnicity]));
        Assert.Equal("male", man.ClassName);
        Assert.Equal(2, d.Skipped.Count);
    }

    [Fact]
    public void Csv_QuotedFieldsWithCommasAndNewlines()
    {
        using var t = new TempTree();
        string csv = t.AddText("q.csv", "a,\"b,c\",\"d\"\"e\"\n\"multi\nline\",x\n");
        var rows = CsvTable.Read(csv).ToList();
        Assert.Equal(["a", "b,c", "d\"e"], rows[0].Fields);
        Assert.Equal(["multi\nline", "x"], rows[1].Fields);
        Assert.Equal(2, rows[1].Line);
    }
}
