namespace GenderML.Data.Tests;

/// <summary>A temporary folder the test fills with files; deleted on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "genderml-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative);

    /// <summary>Writes a file (creating folders); placeholder bytes when none are given.</summary>
    public string Add(string relative, byte[]? bytes = null)
    {
        string path = this[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes ?? [0xFF, 0xD8, 0xFF, 0xD9]);
        return path;
    }

    public string AddText(string relative, string text)
    {
        string path = this[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

internal static class TestLabels
{
    public static DatasetOptions Options { get; } = new()
    {
        ClassNames = ["female", "male"],
        Aliases = new Dictionary<string, string> { ["woman"] = "female", ["women"] = "female", ["f"] = "female", ["man"] = "male", ["men"] = "male", ["m"] = "male" },
        CelebAAttribute = new BinaryAttribute("Male", "male", "female"),
        UtkFace = new UtkFaceLabels("male", "female"),
    };
}
