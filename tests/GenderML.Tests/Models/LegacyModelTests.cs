using System.Globalization;
using GenderML.Tests.Evaluation;
using GenderML.Imaging;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Models;

/// <summary>
/// Models saved before the store was merged (fixtures/models-v1) load and predict as they did: the pixel models the same
/// bits, the face-api models within float rounding (their networks were since rebuilt on Core's layers, which sum some
/// means in float where the old code summed in double).
/// </summary>
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
    public void AVersion1Model_LoadsAndPredictsAsBefore(string name)
    {
        var model = GenderClassifier.Load(TestFixtures.PathOf($"models-v1/{name}.zip"), threads: 2, FaceApiFixture.ModelsFolder);
        // Saved before calibration and cards: the identity, and a card made from what the file says.
        Assert.True(model.Info.Calibration.IsIdentity);
        Assert.Null(model.Info.Card);
        Assert.Equal(model.Info.Kind, ModelCard.For(model).Kind);
        float[] expected = [.. File.ReadAllLines(TestFixtures.PathOf($"models-v1/{name}.bits.txt"))
            .Select(line => BitConverter.Int32BitsToSingle(int.Parse(line, CultureInfo.InvariantCulture)))];
        float[] actual = [.. model.Predict(Faces()).Select(p => p.ProbabilityMale)];
        Assert.Equal(expected.Length, actual.Length);
        bool faceApi = name.StartsWith("transfer", StringComparison.Ordinal);
        for (int i = 0; i < expected.Length; i++)
        {
            if (faceApi) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"image {i}: {expected[i]} then, {actual[i]} now");
            else Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
        }
    }
}
