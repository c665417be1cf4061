using System.Globalization;

namespace GenderML.Data;

public sealed partial class Dataset
{
    /// <summary>
    /// Reads UTKFace: images named <c>AGE_LABEL_RACE_DATE.jpg</c> (for example <c>26_1_2_20170116174525125.jpg</c>,
    /// also with UTKFace's <c>.chip.jpg</c> suffix) in <paramref name="dir"/> and its subfolders; LABEL 0 and 1 map
    /// to <paramref name="labels"/>, AGE and RACE are kept as <c>age</c> and <c>race</c> metadata (race is
    /// UTKFace's code 0–4 as written), and named as the groups <c>age band</c> and <c>ethnicity</c>
    /// (<see cref="GroupNames"/>). Split <c>all</c>. Names that do not parse are listed in <see cref="Skipped"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static Dataset FromUtkFace(string dir, UtkFaceLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        string full = System.IO.Path.GetFullPath(dir);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"{dir}: no such folder");
        string[] classNames = [.. new[] { labels.Code0, labels.Code1 }.Order(StringComparer.Ordinal)];
        if (string.Equals(classNames[0], classNames[1], StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("the two UTKFace classes must differ", nameof(labels));
        int[] byCode = [Array.IndexOf(classNames, labels.Code0), Array.IndexOf(classNames, labels.Code1)];
        var items = new List<DatasetItem>();
        var skipped = new List<SkippedFile>();
        foreach (string file in Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 }))
        {
            if (!ImageFiles.IsImage(file)) { skipped.Add(ImageFiles.NotAnImage(file)); continue; }
            if (!TryParseUtkName(System.IO.Path.GetFileName(file), out int age, out int code, out string race))
            {
                skipped.Add(new SkippedFile(file, SkipKind.UnknownLabel, "name is not UTKFace's AGE_LABEL_RACE_DATE.jpg with LABEL 0 or 1"));
                continue;
            }
            var meta = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["age"] = age.ToString(CultureInfo.InvariantCulture),
                ["race"] = race,
            };
            int label = byCode[code];
            items.Add(new DatasetItem(file, label, classNames[label], SplitNames.All, meta)
            {
                Groups = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [GroupNames.AgeBand] = GroupNames.AgeBandOf(age), [GroupNames.Ethnicity] = GroupNames.UtkFaceEthnicityOf(race),
                },
            });
        }
        return new Dataset(full, classNames, items, skipped);
    }

    /// <summary>Parses <c>AGE_LABEL_RACE_...</c>: age 0–150, label 0 or 1, race a number.</summary>
    internal static bool TryParseUtkName(string name, out int age, out int code, out string race)
    {
        age = code = -1;
        race = "";
        string[] parts = name.Split('_');
        if (parts.Length < 3) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out age) || age > 150) return false;
        if (parts[1] is not ("0" or "1")) return false;
        code = parts[1][0] - '0';
        string r = parts[2].Split('.')[0];
        if (!int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
        race = r;
        return true;
    }

    private static bool LooksLikeUtkFace(string dir)
    {
        int images = 0, parsed = 0;
        foreach (string file in Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true }).Take(200))
        {
            if (!ImageFiles.IsImage(file)) continue;
            images++;
            if (TryParseUtkName(System.IO.Path.GetFileName(file), out _, out _, out _)) parsed++;
        }
        return images > 0 && parsed * 2 >= images;
    }
}
