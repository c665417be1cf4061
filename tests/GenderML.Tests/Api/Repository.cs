namespace GenderML.Tests.Api;

/// <summary>The checkout the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder holding GenderML.sln above the test assembly.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GenderML.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no GenderML.sln above {AppContext.BaseDirectory}");
        }
    }
}
