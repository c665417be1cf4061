using System.Globalization;
using GenderML.Tests.Evaluation;
using GenderML.Imaging;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Models;

/// <summary>Models saved before the store was merged (fixtures/models-v1) load and predict the same bits.</summary>
public sealed class LegacyModelTests
{
    public static TheoryData<string> Kinds => new(["logreg", "logreg-framed", "gbdt-framed", "transfer", "transfer-whole", "transfer-gbdt",
        "transfer-xception", "transfer-fusion"]);

    // The order the fixtures were made in: the female files, then the male ones, each in ordinal name order.
    private static Image[] Faces() =>
        [.. Directory.GetFiles(FaceApiFixture.GoldenFolder, "kg*.jpg").OrderBy(f => f.Contains("_male_", StringComparison.Ordinal))
            .ThenBy(f => f, StringComparer.Ordinal).Select(f => Image.Load(f))];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AVersion1Model_LoadsAndPredictsTheSameBits(string name)
    {
        var model = GenderClassifier.Load(TestFixtures.PathOf($"models-v1/{name}.zip"), threads: 2, FaceApiFixture.ModelsFolder);
        string[] expected = File.ReadAllLines(TestFixtures.PathOf($"models-v1/{name}.bits.txt"));
        var actual = model.Predict(Faces()).Select(p => BitConverter.SingleToInt32Bits(p.ProbabilityMale).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected, actual);
    }
}
