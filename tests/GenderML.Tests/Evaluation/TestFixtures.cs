namespace GenderML.Tests.Evaluation;

/// <summary>Finds committed fixtures in tests/GenderML.Tests/fixtures from the test's output folder.</summary>
internal static class TestFixtures
{
    internal static string PathOf(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "GenderML.Tests", "fixtures", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"fixture {name} not found above {AppContext.BaseDirectory}");
    }
}
