using GenderML.Data;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Transfer;

/// <summary>A temporary folder-per-class dataset of the ten kaggle JPEGs of the face-api goldens (kgNN_female_… / kgNN_male_…).</summary>
internal sealed class TransferFixture : IDisposable
{
    public TransferFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "genderml-transfer-tests", Guid.NewGuid().ToString("N"));
        foreach (string file in Directory.GetFiles(FaceApiFixture.GoldenFolder, "kg*.jpg").Order(StringComparer.Ordinal))
        {
            string label = Path.GetFileName(file).Contains("_male_", StringComparison.Ordinal) ? "male" : "female";
            string target = Path.Combine(Root, "data", label, Path.GetFileName(file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Directory.CreateDirectory(Cache);
    }

    public string Root { get; }

    public string Data => Path.Combine(Root, "data");

    public string Cache => Path.Combine(Root, "cache");

    public string[] Files => [.. Directory.GetFiles(Data, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    public Dataset Dataset => Dataset.Load(Data, GenderLabels.Options);

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
