using GenderML.Imaging.Native;

namespace GenderML.Data;

/// <summary>
/// The rule every output of GenderML follows: it is written to a temporary file beside it and renamed over a
/// regular file only (a FIFO, device, socket, folder or symbolic link there is refused); it is never one of the
/// inputs of the same command (model, data, cache), and never an image inside a data folder being read (where it
/// would become a sample). Other files inside a data folder (a model, a report) are allowed: the folder readers list
/// them as skipped, not images.
/// </summary>
/// <remarks>
/// A reader of the old file sees it whole until the rename, and a kill mid-write leaves the old file. Identity is
/// checked by device and inode on Linux (so a link or a second path to an input is caught), by full path elsewhere.
/// </remarks>
public static class OutputFile
{
    /// <summary>
    /// Throws when <paramref name="output"/> (null: nothing to check) may not be written by a command that reads
    /// <paramref name="inputs"/> (files or folders; nulls are ignored): it is one of them, is an image file inside
    /// one of the folders, or is not a regular file.
    /// </summary>
    /// <exception cref="IOException">The output breaks the rule; the message names it and says why.</exception>
    public static void Check(string? output, params IEnumerable<string?> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (output is null) return;
        CheckTarget(output);
        string full = Path.GetFullPath(output);
        FileStatus? outputStatus = FileStatusReader.OfPath(full);
        foreach (string? input in inputs)
        {
            if (string.IsNullOrEmpty(input)) continue;
            string inputFull = Path.GetFullPath(input);
            FileStatus? inputStatus = FileStatusReader.OfPath(inputFull);
            if (string.Equals(full, inputFull, StringComparison.Ordinal) || SameFile(outputStatus, inputStatus))
            {
                throw new IOException(
                    $"{output}: this is also an input of the command ({input}); write the output to another file");
            }
            bool folder = inputStatus is { } s ? s.Kind == FileKind.Directory : Directory.Exists(inputFull);
            if (folder && ImageFiles.IsImage(full) && IsInside(full, inputFull, inputStatus))
            {
                throw new IOException(
                    $"{output}: this image would be inside the folder {input}, which the command reads as data; " +
                    "write it elsewhere");
            }
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> by the rule (temporary file, rename).</summary>
    /// <exception cref="IOException">The path is not a regular file, or the file cannot be written.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/>, by the rule.
    /// </summary>
    /// <exception cref="IOException">The path is not a regular file, or the file cannot be written.</exception>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// Calls <paramref name="write"/> with a stream on a new temporary file beside <paramref name="path"/>, flushes it
    /// to disk and renames it over <paramref name="path"/>; on any failure the temporary file is removed and
    /// <paramref name="path"/> is left as it was.
    /// </summary>
    /// <exception cref="IOException">The path is not a regular file, or the file cannot be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        CheckTarget(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            CheckTarget(path); // again, just before the rename: nothing special may have appeared meanwhile
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Takes <c>{path}.lock</c> for as long as the result is not disposed, so two commands writing the same output
    /// (and its checkpoint) cannot interleave; the second one fails at once.
    /// </summary>
    /// <exception cref="IOException">Another process holds the lock; the message names the output.</exception>
    public static IDisposable Lock(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string lockPath = Path.GetFullPath(path) + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                FileOptions.DeleteOnClose);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw new IOException($"{path}: another running command is writing this output ({lockPath} is held); " +
                "wait for it or choose another output", e);
        }
    }

    /// <summary>Throws when something other than a regular file (or nothing) is at <paramref name="path"/>.</summary>
    private static void CheckTarget(string path)
    {
        string? what = null;
        if (FileStatusReader.OfPath(path, followLinks: false) is { } s)
        {
            if (s.Kind != FileKind.Regular) what = s.Describe();
        }
        else if (Directory.Exists(path))
        {
            what = "a folder";
        }
        else if (File.Exists(path) && new FileInfo(path).LinkTarget is not null)
        {
            what = "a symbolic link";
        }
        if (what is not null)
            throw new IOException(
                $"{path}: this is {what}; an output replaces only a regular file, so choose a file name");
    }

    private static bool SameFile(FileStatus? a, FileStatus? b) =>
        a is { } x && b is { } y && x.Device == y.Device && x.Inode == y.Inode;

    /// <summary>True when a folder above <paramref name="full"/> is <paramref name="folder"/> (by identity if known).
    /// </summary>
    private static bool IsInside(string full, string folder, FileStatus? folderStatus)
    {
        for (string? dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string trimmed = Path.TrimEndingDirectorySeparator(dir);
            if (string.Equals(trimmed, Path.TrimEndingDirectorySeparator(folder), StringComparison.Ordinal))
                return true;
            if (folderStatus is not null && SameFile(FileStatusReader.OfPath(dir), folderStatus))
                return true;
        }
        return false;
    }
}
