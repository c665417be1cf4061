using System.Text.Json;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Tests.FaceApi;

/// <summary>Locates the face-api weights (models/face-api) and the golden reference outputs (../shared/reference/faceapi-golden).</summary>
internal static class FaceApiFixture
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);
    private static readonly Lazy<JsonDocument> GoldenDoc = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(GoldenFolder, "golden.json"))));
    private static readonly Lazy<JsonDocument> ChecksumDoc = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(GoldenFolder, "weights_checksums.json"))));

    public static string ModelsFolder
    {
        get
        {
            string folder = Path.Combine(Root.Value, "models", "face-api");
            if (!File.Exists(Path.Combine(folder, "age_gender_model.bin")))
                throw new InvalidOperationException($"{folder}: face-api weights not found; run scripts/fetch-models.sh first");
            return folder;
        }
    }

    public static string GoldenFolder
    {
        get
        {
            string folder = Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "reference", "faceapi-golden"));
            if (!File.Exists(Path.Combine(folder, "golden.json")))
                throw new InvalidOperationException($"{folder}: face-api golden outputs not found (expected the shared reference folder beside the repository)");
            return folder;
        }
    }

    public static JsonElement Golden => GoldenDoc.Value.RootElement;

    public static JsonElement Checksums => ChecksumDoc.Value.RootElement;

    public static FaceModelOptions Options => new(ModelsFolder) { Compute = new Core.ComputeOptions { Threads = 2 } };

    public static Image LoadGoldenImage(string file) => Image.Load(Path.Combine(GoldenFolder, file), new ImageLoadOptions { Format = PixelFormat.Rgb24 });

    public static string[] FaceImages => Golden.GetProperty("images").EnumerateObject().Select(p => p.Name).ToArray();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenderML.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GenderML.sln above {AppContext.BaseDirectory}");
    }
}
