using System.Globalization;

namespace GenderML.Data;

public sealed partial class Dataset
{
    /// <summary>The CelebA attributes that become <see cref="DatasetItem.Groups"/>: column, facet, name of 1, name of −1.</summary>
    private static readonly (string Column, string Facet, string Yes, string No)[] CelebAFacets =
    [
        ("Young", "young (CelebA)", "young", "not young"),
        ("Eyeglasses", "glasses", "glasses", "no glasses"),
        ("Heavy_Makeup", "make-up", "heavy make-up", "no heavy make-up"),
        ("Pale_Skin", "pale skin (CelebA)", "pale skin", "not pale skin"),
    ];

    /// <summary>
    /// Reads CelebA: the attribute table <c>list_attr_celeba.csv</c> (header <c>image_id,...,Male,...</c>,
    /// values 1/-1; the original whitespace-separated <c>list_attr_celeba.txt</c> works too), the images of
    /// <paramref name="imagesDir"/> named by <c>image_id</c>, and optionally <c>list_eval_partition.csv</c>
    /// (<c>image_id,partition</c>: 0 → train, 1 → validation, 2 → test; without it every item's split is
    /// <c>all</c>). <paramref name="attribute"/> names the column and the class of 1 and of -1; the class
    /// names are <c>[WhenNegative, WhenPositive]</c> sorted ordinally. The attributes <c>Young</c>, <c>Eyeglasses</c>,
    /// <c>Heavy_Makeup</c> and <c>Pale_Skin</c>, when present, become the items' <see cref="DatasetItem.Groups"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A table does not exist.</exception>
    /// <exception cref="InvalidDataException">The attribute table has no such column.</exception>
    public static Dataset FromCelebA(string attributesCsv, string imagesDir, string? partitionCsv, BinaryAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        string csv = RequireFile(attributesCsv);
        string[] classNames = [.. new[] { attribute.WhenNegative, attribute.WhenPositive }.Order(StringComparer.Ordinal)];
        if (string.Equals(classNames[0], classNames[1], StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("the two classes of the attribute must differ", nameof(attribute));
        int positive = Array.IndexOf(classNames, attribute.WhenPositive), negative = 1 - positive;
        var partitions = partitionCsv is null ? null : ReadPartitions(RequireFile(partitionCsv));
        bool txt = csv.EndsWith(".txt", StringComparison.OrdinalIgnoreCase);
        var rows = new List<IdRow>();
        var skipped = new List<SkippedFile>();
        int column = -1;
        bool header = true;
        var facets = new List<(int Column, string Facet, string Yes, string No)>();
        foreach (var (line, f) in CsvTable.Read(csv, whitespaceSeparated: txt))
        {
            if (txt && line == 1 && f.Length == 1) continue; // the image count
            if (header)
            {
                header = false;
                column = CsvTable.Find(f, attribute.Column);
                if (column < 0) throw new InvalidDataException($"{attributesCsv}: no column '{attribute.Column}' in the header");
                if (txt) column++; // rows start with the file name, which the header does not name
                foreach (var (name, facet, yes, no) in CelebAFacets)
                    if (CsvTable.Find(f, [name]) is >= 0 and var c && name != attribute.Column) facets.Add((txt ? c + 1 : c, facet, yes, no));
                continue;
            }
            string where = $"{csv}:{line}";
            if (f.Length <= column) { skipped.Add(new SkippedFile(where, SkipKind.BadManifest, $"row has {f.Length} fields, expected {column + 1}")); continue; }
            string id = f[0].Trim(), value = f[column].Trim();
            int label = value switch { "1" => positive, "-1" or "0" => negative, _ => -1 };
            string? error = label < 0 ? $"{attribute.Column} of '{id}' on line {line} is '{value}', expected 1 or -1" : null;
            string split = SplitNames.All;
            if (partitions is not null)
            {
                if (!partitions.TryGetValue(id, out string? part))
                {
                    skipped.Add(new SkippedFile(where, SkipKind.BadManifest, $"'{id}' has no row in {System.IO.Path.GetFileName(partitionCsv)}"));
                    continue;
                }
                split = part;
            }
            var groups = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (c, facet, yes, no) in facets)
                if (c < f.Length && f[c].Trim() is "1" or "-1" or "0") groups[facet] = f[c].Trim() == "1" ? yes : no;
            rows.Add(new IdRow(line, id, Math.Max(label, 0), error, split, DatasetItem.NoMetadata, groups));
        }
        return JoinById(csv, rows, imagesDir, classNames, skipped);
    }

    private static Dictionary<string, string> ReadPartitions(string path)
    {
        bool txt = path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (line, f) in CsvTable.Read(path, whitespaceSeparated: txt))
        {
            if (f.Length < 2) continue;
            if (!int.TryParse(f[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int p))
            {
                if (line == 1) continue; // header
                throw new InvalidDataException($"{path}:{line}: partition '{f[1]}' is not 0, 1 or 2");
            }
            map[f[0].Trim()] = p switch
            {
                0 => SplitNames.Train,
                1 => SplitNames.Validation,
                2 => SplitNames.Test,
                _ => throw new InvalidDataException($"{path}:{line}: partition '{f[1]}' is not 0, 1 or 2"),
            };
        }
        return map;
    }
}
