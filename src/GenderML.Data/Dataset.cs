namespace GenderML.Data;

/// <summary>
/// A labelled image collection: its items (path, class, split, metadata), its class names, and every file
/// that was not taken with the reason. Loaders never drop a file silently.
/// </summary>
/// <remarks>
/// Front door: <see cref="Load"/> detects the layout; <see cref="FromFolder"/>, <see cref="FromCsvManifest"/>,
/// <see cref="FromIdLabelCsv"/>, <see cref="FromCelebA"/> and <see cref="FromUtkFace"/> read one layout each.
/// Items are sorted by path (ordinal), so the same files give the same dataset whatever the enumeration order.
/// </remarks>
public sealed partial class Dataset
{
    internal Dataset(string root, string[] classNames, IEnumerable<DatasetItem> items, IEnumerable<SkippedFile> skipped)
    {
        Root = root;
        ClassNames = classNames;
        var list = items.ToList();
        list.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        Items = list;
        var skips = skipped.ToList();
        skips.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        Skipped = skips;
    }

    /// <summary>The folder (or the CSV's folder) the dataset was read from, as a full path.</summary>
    public string Root { get; }

    /// <summary>The class names in label-index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The items, sorted by path (ordinal).</summary>
    public IReadOnlyList<DatasetItem> Items { get; }

    /// <summary>The files not taken, each with its reason, sorted by path.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; }

    /// <summary>The distinct split names of the items, in order: train, validation, test, others ordinally, all.</summary>
    public IReadOnlyList<string> Splits =>
        [.. Items.Select(i => i.Split).Distinct(StringComparer.Ordinal).OrderBy(SplitRank).ThenBy(s => s, StringComparer.Ordinal)];

    /// <summary>The items of one split (a new dataset sharing root, classes and the skip list).</summary>
    public Dataset Subset(string split) =>
        new(Root, [.. ClassNames], Items.Where(i => i.Split == split), Skipped);

    /// <summary>The number of items of each class in <paramref name="split"/> (all splits when null), by label index.</summary>
    public int[] CountByClass(string? split = null)
    {
        var counts = new int[ClassNames.Count];
        foreach (var item in Items)
            if (split is null || item.Split == split) counts[item.Label]++;
        return counts;
    }

    /// <summary>
    /// Reads a dataset, detecting the layout: a CSV file is a CelebA attribute table (it has an
    /// <c>image_id</c> column and <see cref="DatasetOptions.CelebAAttribute"/>'s column) or a manifest
    /// (<c>path,label[,split]</c>); a folder holding folders named after classes (at any depth below split
    /// folders) is folder-per-class; a folder holding <c>list_attr_celeba.csv</c> is CelebA; a folder whose
    /// images are at least half named <c>age_label_race_date.jpg</c> is UTKFace.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The path does not exist.</exception>
    /// <exception cref="InvalidDataException">No layout fits; the message says what was looked for.</exception>
    public static Dataset Load(string path, DatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            if (options.CelebAAttribute is { } attr && CsvTable.ReadHeader(full) is { } header
                && header.Contains("image_id", StringComparer.OrdinalIgnoreCase)
                && header.Contains(attr.Column, StringComparer.OrdinalIgnoreCase))
            {
                string dir = System.IO.Path.GetDirectoryName(full)!;
                return FromCelebA(full, CelebAImagesFolder(dir), FindFile(dir, "list_eval_partition.csv"), attr);
            }
            return FromCsvManifest(full, options);
        }
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"{path}: no such folder or file");

        if (options.CelebAAttribute is { } celebA && FindFile(full, "list_attr_celeba.csv") is { } attrCsv)
            return FromCelebA(attrCsv, CelebAImagesFolder(full), FindFile(full, "list_eval_partition.csv"), celebA);
        var folder = FromFolder(full, options);
        if (folder.Items.Count > 0) return folder;
        if (options.UtkFace is { } utk && LooksLikeUtkFace(full))
            return FromUtkFace(full, utk);
        if (folder.Skipped.Count > 0) return folder;
        throw new InvalidDataException(
            $"{path}: no images found. Expected class folders ({string.Join(", ", options.ClassNames)} or their aliases), " +
            "optionally below split folders (train/test), a CSV manifest, CelebA's list_attr_celeba.csv, or UTKFace file names");
    }

    private static int SplitRank(string split) => split switch
    {
        SplitNames.Train => 0,
        SplitNames.Validation => 1,
        SplitNames.Test => 2,
        SplitNames.All => 4,
        _ => 3,
    };

    private static string? FindFile(string dir, string name)
    {
        string p = System.IO.Path.Combine(dir, name);
        return File.Exists(p) ? p : null;
    }

    private static string CelebAImagesFolder(string dir)
    {
        foreach (string candidate in new[] { "img_align_celeba/img_align_celeba", "img_align_celeba", "images" })
        {
            string p = System.IO.Path.Combine(dir, candidate);
            if (Directory.Exists(p)) return p;
        }
        return dir;
    }
}
