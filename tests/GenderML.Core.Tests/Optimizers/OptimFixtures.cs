using System.Runtime.CompilerServices;
using System.Text.Json;

namespace GenderML.Core.Tests.Optimizers;

/// <summary>Reads fixtures/optim/optim_fixtures.json (made by make_optim_fixtures.py with PyTorch) and compares numbers.</summary>
internal static class OptimFixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory(), "optim_fixtures.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    /// <summary>fixtures/optim in the source tree, found from this file's compile-time path.</summary>
    public static string Directory([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "fixtures", "optim"));

    public static JsonElement Case(string section, string name) =>
        Root.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>Asserts |actual − expected| ≤ 1e-6·|expected| + <paramref name="absolute"/> for every element.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what, double relative = 1e-6, double absolute = 1e-7)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = relative * Math.Abs(expected[i]) + absolute;
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:G3})");
        }
    }

    public static void AssertClose(double expected, double actual, string what, double relative = 1e-6, double absolute = 1e-7)
    {
        double tolerance = relative * Math.Abs(expected) + absolute;
        if (!(Math.Abs(actual - expected) <= tolerance))
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R} (tolerance {tolerance:G3})");
    }
}
