namespace GenderML.Data;

public sealed partial class Dataset
{
    private static readonly string[] PathColumns = ["path", "file", "filename", "file_name", "image", "image_path", "filepath", "img"];
    private static readonly string[] LabelColumns = ["label", "class", "gender", "sex", "y", "target", "category"];
    private static readonly string[] SplitColumns = ["split", "partition", "set", "subset", "fold"];
    private static readonly string[] IdColumns = ["id", "user_id", "userid", "image_id", "img_id", "file", "filename", "name"];

    /// <summary>
    /// Reads a CSV manifest of <c>path,label</c> rows (optionally a <c>split</c> column), paths relative to the
    /// CSV's folder or absolute. A header row is recognised by its names (path/file/image, label/class, split);
    /// without one, the first two columns are path and label. Rows naming missing files, unknown labels,
    /// duplicates or non-images are listed in <see cref="Skipped"/> as <c>file.csv:LINE</c> or the image path.
    /// With a header, the other columns are kept as <see cref="DatasetItem.Metadata"/> by their header names, and
    /// <c>age</c> (years, named by <see cref="GroupNames.AgeBandOf"/>), <c>age band</c>, <c>ethnicity</c> (or
    /// <c>race</c>) and <c>group</c> columns are also the item's <see cref="DatasetItem.Groups"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The CSV does not exist.</exception>
    public static Dataset FromCsvManifest(string csvPath, DatasetOptions options)
    {
        var resolver = new LabelResolver(options);
        string csv = RequireFile(csvPath);
        string dir = System.IO.Path.GetDirectoryName(csv)!;
        var items = new List<DatasetItem>();
        var skipped = new List<SkippedFile>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int pathCol = 0, labelCol = 1, splitCol = -1;
        string[] header = [];
        bool first = true;
        foreach (var (line, f) in CsvTable.Read(csv))
        {
            if (first)
            {
                first = false;
                int p = CsvTable.Find(f, PathColumns), l = CsvTable.Find(f, LabelColumns);
                if (p >= 0 && l >= 0)
                {
                    (pathCol, labelCol, splitCol) = (p, l, CsvTable.Find(f, SplitColumns));
                    header = [.. f.Select((name, i) => i == p || i == l || i == splitCol ? "" : name.Trim())];
                    continue;
                }
            }
            string where = $"{csv}:{line}";
            if (f.Length <= Math.Max(pathCol, Math.Max(labelCol, splitCol)))
            {
                skipped.Add(new SkippedFile(where, SkipKind.BadManifest, $"row has {f.Length} fields, expected at least {Math.Max(pathCol, Math.Max(labelCol, splitCol)) + 1}"));
                continue;
            }
            string rel = f[pathCol].Trim();
            if (rel.Length == 0) { skipped.Add(new SkippedFile(where, SkipKind.BadManifest, "empty path")); continue; }
            string file = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, rel));
            if (!seen.TryAdd(file, line))
            {
                skipped.Add(new SkippedFile(where, SkipKind.BadManifest, $"{rel} is listed again (first on line {seen[file]}); the later row is ignored"));
                continue;
            }
            if (!ImageFiles.IsImage(file)) { skipped.Add(ImageFiles.NotAnImage(file)); continue; }
            int label = resolver.Resolve(f[labelCol]);
            if (label < 0) { skipped.Add(new SkippedFile(file, SkipKind.UnknownLabel, resolver.UnknownReason($"label on line {line}", f[labelCol]))); continue; }
            if (!File.Exists(file)) { skipped.Add(new SkippedFile(file, SkipKind.BadManifest, $"listed on line {line} of {System.IO.Path.GetFileName(csv)} but the file does not exist")); continue; }
            string split = splitCol >= 0 ? SplitNames.Normalize(f[splitCol]) : SplitNames.All;
            var (metadata, groups) = Columns(header, f);
            items.Add(new DatasetItem(file, label, resolver.ClassNames[label], split, metadata) { Groups = groups });
        }
        return new Dataset(dir, resolver.ClassNames, items, skipped);
    }

    /// <summary>
    /// Joins an id → label CSV (columns <c>id,label</c> by header name such as <c>user_id,gender</c>, else the
    /// first two columns) to the images of <paramref name="imagesDir"/> named <c>ID.jpg</c>, <c>ID.png</c>
    /// (or exactly <c>ID</c> when the id carries its extension). Ids without an image, images without a row,
    /// duplicate ids and unknown labels are listed in <see cref="Skipped"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The CSV does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">The images folder does not exist.</exception>
    public static Dataset FromIdLabelCsv(string csvPath, string imagesDir, DatasetOptions options)
    {
        var resolver = new LabelResolver(options);
        string csv = RequireFile(csvPath);
        var rows = new List<IdRow>();
        var skipped = new List<SkippedFile>();
        int idCol = 0, labelCol = 1, splitCol = -1;
        bool first = true;
        foreach (var (line, f) in CsvTable.Read(csv))
        {
            if (first)
            {
                first = false;
                int i = CsvTable.Find(f, IdColumns), l = CsvTable.Find(f, LabelColumns);
                if (i >= 0 && l >= 0) { (idCol, labelCol, splitCol) = (i, l, CsvTable.Find(f, SplitColumns)); continue; }
            }
            if (f.Length <= Math.Max(idCol, Math.Max(labelCol, splitCol)))
            {
                skipped.Add(new SkippedFile($"{csv}:{line}", SkipKind.BadManifest, $"row has {f.Length} fields, expected at least {Math.Max(idCol, Math.Max(labelCol, splitCol)) + 1}"));
                continue;
            }
            int label = resolver.Resolve(f[labelCol]);
            string? error = label < 0 ? resolver.UnknownReason($"label of id '{f[idCol].Trim()}' on line {line}", f[labelCol]) : null;
            rows.Add(new IdRow(line, f[idCol].Trim(), label, error, splitCol >= 0 ? SplitNames.Normalize(f[splitCol]) : SplitNames.All, DatasetItem.NoMetadata));
        }
        return JoinById(csv, rows, imagesDir, resolver.ClassNames, skipped);
    }

    /// <summary>A manifest row's other columns as metadata, and those that name groups as its groups.</summary>
    private static (IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, string> Groups) Columns(string[] header, string[] row)
    {
        if (header.All(h => h.Length == 0)) return (DatasetItem.NoMetadata, DatasetItem.NoMetadata);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length && i < row.Length; i++)
        {
            string name = header[i], value = row[i].Trim();
            if (name.Length == 0 || value.Length == 0) continue;
            metadata[name] = value;
            switch (name.ToLowerInvariant().Replace('_', ' '))
            {
                case "age" when int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int age):
                    groups[GroupNames.AgeBand] = GroupNames.AgeBandOf(age);
                    break;
                case "age band":
                    groups[GroupNames.AgeBand] = value;
                    break;
                case "ethnicity" or "race":
                    groups[GroupNames.Ethnicity] = value;
                    break;
                case "group":
                    groups["group"] = value;
                    break;
            }
        }
        return (metadata, groups.Count > 0 ? groups : DatasetItem.NoMetadata);
    }

    internal readonly record struct IdRow(int Line, string Id, int Label, string? Error, string Split, IReadOnlyDictionary<string, string> Metadata,
        IReadOnlyDictionary<string, string>? Groups = null);

    /// <summary>Matches table rows to the image files of a folder by id (file name, or name without extension).</summary>
    internal static Dataset JoinById(string table, List<IdRow> rows, string imagesDir, string[] classNames, List<SkippedFile> skipped)
    {
        string dir = System.IO.Path.GetFullPath(imagesDir);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{imagesDir}: no such images folder");
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var byStem = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = Directory.GetFiles(dir);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            if (!ImageFiles.IsImage(file)) { skipped.Add(ImageFiles.NotAnImage(file)); continue; }
            string name = System.IO.Path.GetFileName(file);
            byName[name] = file;
            if (!byStem.TryAdd(System.IO.Path.GetFileNameWithoutExtension(name), file))
                skipped.Add(new SkippedFile(file, SkipKind.BadManifest, $"another image has the same id ({System.IO.Path.GetFileName(byStem[System.IO.Path.GetFileNameWithoutExtension(name)])}); this one is ignored"));
        }
        var used = new HashSet<string>(StringComparer.Ordinal);
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new List<DatasetItem>();
        string tableName = System.IO.Path.GetFileName(table);
        foreach (var row in rows)
        {
            string where = $"{table}:{row.Line}";
            if (row.Id.Length == 0) { skipped.Add(new SkippedFile(where, SkipKind.BadManifest, "empty id")); continue; }
            if (!seenIds.TryAdd(row.Id, row.Line))
            {
                skipped.Add(new SkippedFile(where, SkipKind.BadManifest, $"id '{row.Id}' is listed again (first on line {seenIds[row.Id]}); the later row is ignored"));
                continue;
            }
            if (!byName.TryGetValue(row.Id, out string? file) && !byStem.TryGetValue(row.Id, out file))
            {
                skipped.Add(new SkippedFile(where, SkipKind.BadManifest, $"no image for id '{row.Id}' in {dir} (looked for {row.Id}.jpg, .png, ...)"));
                continue;
            }
            used.Add(file);
            if (row.Error is not null) { skipped.Add(new SkippedFile(file, SkipKind.UnknownLabel, row.Error)); continue; }
            items.Add(new DatasetItem(file, row.Label, classNames[row.Label], row.Split, row.Metadata) { Groups = row.Groups ?? DatasetItem.NoMetadata });
        }
        foreach (string file in byStem.Values)
            if (!used.Contains(file))
                skipped.Add(new SkippedFile(file, SkipKind.BadManifest, $"id '{System.IO.Path.GetFileNameWithoutExtension(file)}' has no row in {tableName}"));
        return new Dataset(dir, classNames, items, skipped);
    }

    private static string RequireFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"{path}: no such file", path);
        return full;
    }
}
