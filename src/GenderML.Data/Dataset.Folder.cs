namespace GenderML.Data;

public sealed partial class Dataset
{
    private const int MaxFolderDepth = 32;

    /// <summary>
    /// Reads a folder-per-class layout: every image below a folder whose name is a class name or alias
    /// (case-insensitive) gets that class; the folders above it, relative to <paramref name="root"/>, name the
    /// split (normalised by <see cref="SplitNames.Normalize"/> and joined with <c>/</c>; <c>all</c> when none).
    /// Works for <c>root/{female,male}</c>, <c>root/{train,test}/{female,male}</c>,
    /// <c>root/{Training,Validation}/{female,male}</c> and deeper. Images outside any class folder, non-image
    /// files, hidden folders and unreadable folders are listed in <see cref="Skipped"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static Dataset FromFolder(string root, DatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(root);
        var resolver = new LabelResolver(options);
        string full = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"{root}: no such folder");
        var items = new List<DatasetItem>();
        var skipped = new List<SkippedFile>();
        Walk(full, [], -1, 0, resolver, items, skipped, new FileIdentities());
        return new Dataset(full, resolver.ClassNames, items, skipped);
    }

    private static void Walk(string dir, List<string> splitParts, int label, int depth,
        LabelResolver resolver, List<DatasetItem> items, List<SkippedFile> skipped, FileIdentities seen)
    {
        if (!seen.AddFolder(dir))
        {
            skipped.Add(new SkippedFile(dir, SkipKind.Unreadable, "folder already searched (a link loop or a second link to it), not searched again"));
            return;
        }
        string[] files, dirs;
        try
        {
            files = Directory.GetFiles(dir);
            dirs = Directory.GetDirectories(dir);
            Array.Sort(files, StringComparer.Ordinal); // a file met by two paths is taken at the same one every time
            Array.Sort(dirs, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            skipped.Add(new SkippedFile(dir, SkipKind.Unreadable, $"cannot list folder: {e.Message}"));
            return;
        }
        string split = splitParts.Count == 0 ? SplitNames.All : string.Join('/', splitParts);
        foreach (string file in files)
        {
            if (!ImageFiles.IsImage(file)) skipped.Add(ImageFiles.NotAnImage(file));
            else if (label < 0)
                skipped.Add(new SkippedFile(file, SkipKind.UnknownLabel, splitParts.Count == 0
                    ? $"not inside a class folder (expected folders named {string.Join(", ", resolver.ClassNames)} or their aliases)"
                    : resolver.UnknownReason("folder", System.IO.Path.GetFileName(dir))));
            else if (seen.AddFile(file) is { } reason) skipped.Add(new SkippedFile(file, SkipKind.Unreadable, reason));
            else items.Add(new DatasetItem(file, label, resolver.ClassNames[label], split, DatasetItem.NoMetadata));
        }
        foreach (string sub in dirs)
        {
            string name = System.IO.Path.GetFileName(sub);
            if (name.StartsWith('.'))
            {
                skipped.Add(new SkippedFile(sub, SkipKind.NotAnImage, "hidden folder, not searched"));
                continue;
            }
            if (depth + 1 >= MaxFolderDepth)
            {
                skipped.Add(new SkippedFile(sub, SkipKind.Unreadable, $"folder nesting deeper than {MaxFolderDepth} (a link loop?), not searched"));
                continue;
            }
            if (label >= 0)
            {
                Walk(sub, splitParts, label, depth + 1, resolver, items, skipped, seen);
                continue;
            }
            int subLabel = resolver.Resolve(name);
            if (subLabel >= 0) Walk(sub, splitParts, subLabel, depth + 1, resolver, items, skipped, seen);
            else Walk(sub, [.. splitParts, SplitNames.Normalize(name)], -1, depth + 1, resolver, items, skipped, seen);
        }
    }
}
