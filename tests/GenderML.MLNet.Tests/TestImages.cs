namespace GenderML.MLNet.Tests;

/// <summary>The ten kaggle JPEGs of the face-api goldens (kgNN_female_… / kgNN_male_…) and saved models of the repository.</summary>
internal static class TestImages
{
    private static readonly Lazy<string> RepoRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenderML.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GenderML.sln above {AppContext.BaseDirectory}");
    });

    public static string Golden => Path.GetFullPath(Path.Combine(RepoRoot.Value, "..", "shared", "reference", "faceapi-golden"));

    public static ImageFile[] Files =>
    [
        .. Directory.GetFiles(Golden, "kg*.jpg").Order(StringComparer.Ordinal)
            .Select(f => new ImageFile { Path = f, Label = Path.GetFileName(f).Contains("_male_", StringComparison.Ordinal) }),
    ];

    /// <summary>A model saved by an earlier GenderML (tests/GenderML.Tests/fixtures/models-v1).</summary>
    public static string Model(string name) => Path.Combine(RepoRoot.Value, "tests", "GenderML.Tests", "fixtures", "models-v1", name);

    /// <summary>A folder-per-class copy of <see cref="Files"/> under a new temporary folder.</summary>
    public static string Dataset()
    {
        string root = Path.Combine(Path.GetTempPath(), "genderml-mlnet-tests", Guid.NewGuid().ToString("N"));
        foreach (var f in Files)
        {
            string target = Path.Combine(root, f.Label ? "male" : "female", Path.GetFileName(f.Path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f.Path, target);
        }
        return root;
    }
}

/// <summary>An ML.NET input row: an image file and its label (true = male).</summary>
public sealed class ImageFile
{
    public string Path { get; set; } = "";

    public bool Label { get; set; }
}
