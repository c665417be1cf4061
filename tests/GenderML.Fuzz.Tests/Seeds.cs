namespace GenderML.Fuzz.Tests;

/// <summary>The real JPEG and PNG files the mutations start from (copied beside the tests as <c>seeds/</c>).</summary>
internal static class Seeds
{
    public static string Dir { get; } = Path.Combine(AppContext.BaseDirectory, "seeds");

    /// <summary>Name and bytes of every seed, in name order.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> All { get; } =
        [.. Directory.GetFiles(Dir).Order(StringComparer.Ordinal).Select(p => (Path.GetFileName(p), File.ReadAllBytes(p)))];
}
