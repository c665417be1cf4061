namespace GenderML.Data;

/// <summary>Paths given by a user, with folders replaced by the image files in them, for commands that take images one by one.</summary>
public static class ImagePaths
{
    /// <summary>
    /// Each path as it is, except a folder, which becomes the image files below it (by extension, hidden folders
    /// left out, links followed once, sorted ordinally). A path that does not exist stays, for its reader to report.
    /// </summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var result = new List<string>();
        foreach (string path in paths)
        {
            if (!Directory.Exists(path))
            {
                result.Add(path);
                continue;
            }
            var found = new List<string>();
            Walk(path, new FileIdentities(), found, 0);
            found.Sort(StringComparer.Ordinal);
            result.AddRange(found);
        }
        return result;
    }

    private static void Walk(string dir, FileIdentities seen, List<string> found, int depth)
    {
        if (depth > 32 || !seen.AddFolder(dir)) return;
        string[] files, dirs;
        try
        {
            (files, dirs) = (Directory.GetFiles(dir), Directory.GetDirectories(dir));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            found.Add(dir); // its reader reports why it cannot be read
            return;
        }
        found.AddRange(files.Where(ImageFiles.IsImage));
        foreach (string sub in dirs)
            if (!Path.GetFileName(sub).StartsWith('.')) Walk(sub, seen, found, depth + 1);
    }
}
