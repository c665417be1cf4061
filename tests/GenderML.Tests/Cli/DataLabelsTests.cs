using GenderML.Data;

namespace GenderML.Tests.Cli;

public sealed class DataLabelsTests
{
    [Theory]
    [InlineData("female", "female")]
    [InlineData("Women", "female")]
    [InlineData("WOMAN", "female")]
    [InlineData("f", "female")]
    [InlineData("male", "male")]
    [InlineData("Men", "male")]
    [InlineData("man", "male")]
    [InlineData("M", "male")]
    public void GenderAliases_ResolveFolderNames(string folder, string expected)
    {
        string root = Path.Combine(Path.GetTempPath(), "genderml-labels-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, folder));
        File.WriteAllBytes(Path.Combine(root, folder, "x.jpg"), [1]);
        try
        {
            var d = Dataset.FromFolder(root, GenderLabels.Options);
            Assert.Equal(expected, Assert.Single(d.Items).ClassName);
            Assert.Equal(["female", "male"], d.ClassNames);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void UserMapping_ExtendsGenderAliases()
    {
        string root = Path.Combine(Path.GetTempPath(), "genderml-labels-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "Frau"));
        File.WriteAllBytes(Path.Combine(root, "Frau", "x.jpg"), [1]);
        try
        {
            Assert.Empty(Dataset.FromFolder(root, GenderLabels.Options).Items);
            var d = Dataset.FromFolder(root, GenderLabels.Options.WithAlias("frau", GenderLabels.Female));
            Assert.Equal(GenderLabels.Female, Assert.Single(d.Items).ClassName);
        }
        finally { Directory.Delete(root, true); }
    }
}
