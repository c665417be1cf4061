using GenderML.Imaging.Native;

namespace GenderML.Data;

/// <summary>
/// The folders and files a walk has met, by identity (device and inode on Linux, else the path with links
/// resolved), so a link loop is searched once and a file reached by two paths is counted once.
/// </summary>
internal sealed class FileIdentities
{
    private readonly HashSet<(ulong, ulong)> _ids = [];
    private const string SeenBefore = "the same file as another path already taken (a link), counted once";

    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);

    /// <summary>True the first time the folder is met.</summary>
    public bool AddFolder(string dir)
    {
        if (FileStatusReader.OfPath(dir) is { } s)
            return _ids.Add((s.Device, s.Inode));
        string resolved = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;
        return _paths.Add(Path.GetFullPath(resolved));
    }

    /// <summary>Null the first time a regular file is met; else why it is not taken (seen, or not a regular file).
    /// </summary>
    public string? AddFile(string file)
    {
        if (FileStatusReader.OfPath(file) is { } s)
        {
            if (s.Kind != FileKind.Regular)
                return $"{s.Describe()}, not a regular file; only regular files are read as images";
            return _ids.Add((s.Device, s.Inode)) ? null : SeenBefore;
        }
        if (Directory.Exists(file))
            return "a folder, not a regular file";
        string resolved = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file;
        return _paths.Add(Path.GetFullPath(resolved)) ? null : SeenBefore;
    }
}
