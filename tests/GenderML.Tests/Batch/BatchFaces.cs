namespace GenderML.Tests.Batch;

/// <summary>
/// A temporary folder of real faces copied from ../shared/data/kaggle-gender (the first images of each class of a split,
/// by name), and a scratch folder for outputs; deleted on dispose.
/// </summary>
internal sealed class BatchFaces : IDisposable
{
    private BatchFaces(string root)
    {
        Root = root;
        Images = Path.Combine(root, "images");
    }

    /// <summary>The scratch folder.</summary>
    public string Root { get; }

    /// <summary>The faces: Images/female/*.jpg and Images/male/*.jpg.</summary>
    public string Images { get; }

    /// <summary>The repository's root (the folder of GenderML.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared face dataset beside the repository.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "kaggle-gender"));

    public static BatchFaces Create(int perClass, string split = "test")
    {
        string root = Path.Combine(Path.GetTempPath(), "genderml-batch-" + Guid.NewGuid().ToString("N")[..8]);
        var faces = new BatchFaces(root);
        foreach (string label in new[] { "female", "male" })
        {
            string from = Path.Combine(SharedData, split, label);
            if (!Directory.Exists(from)) throw new InvalidOperationException($"{from}: the shared faces are missing (../shared beside the repository)");
            string to = Path.Combine(faces.Images, label);
            Directory.CreateDirectory(to);
            foreach (string file in Directory.GetFiles(from).Order(StringComparer.Ordinal).Take(perClass))
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        return faces;
    }

    /// <summary>Every file of <paramref name="folder"/> with its bytes' hash and write time.</summary>
    public static Dictionary<string, (string Hash, DateTime Written)> Snapshot(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => (
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))), File.GetLastWriteTimeUtc(f)));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenderML.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GenderML.sln above {AppContext.BaseDirectory}");
    }
}
