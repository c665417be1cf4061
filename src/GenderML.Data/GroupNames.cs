using System.Globalization;

namespace GenderML.Data;

/// <summary>The named groups that evaluation breaks accuracy down by (<see cref="DatasetItem.Groups"/>).</summary>
public static class GroupNames
{
    /// <summary>The facet of age bands.</summary>
    public const string AgeBand = "age band";

    /// <summary>The facet of ethnic groups.</summary>
    public const string Ethnicity = "ethnicity";

    /// <summary>The age bands, youngest first.</summary>
    public static IReadOnlyList<string> AgeBands { get; } = ["under 16", "16–19", "20–39", "40–59", "60+"];

    /// <summary>UTKFace's ethnic groups by code 0–4.</summary>
    public static IReadOnlyList<string> UtkFaceEthnicities { get; } = ["White", "Black", "Asian", "Indian", "Others"];

    /// <summary>The band of an age in years: under 16, 16–19, 20–39, 40–59 or 60+.</summary>
    public static string AgeBandOf(int age) => age switch
    {
        < 16 => AgeBands[0],
        < 20 => AgeBands[1],
        < 40 => AgeBands[2],
        < 60 => AgeBands[3],
        _ => AgeBands[4],
    };

    /// <summary>UTKFace's name of an ethnicity code (0 White … 4 Others); <c>code N</c> for any other.</summary>
    public static string UtkFaceEthnicityOf(string code) =>
        int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c >= 0 && c < UtkFaceEthnicities.Count
            ? UtkFaceEthnicities[c] : $"code {code}";
}
