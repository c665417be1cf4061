using System.Text;

namespace GenderML.Data;

/// <summary>
/// A small RFC 4180 reader: comma-separated fields, double-quoted fields may hold commas, quotes (doubled) and
/// line breaks; a UTF-8 BOM is dropped; blank lines are skipped. Also reads whitespace-separated tables.
/// </summary>
internal static class CsvTable
{
    /// <summary>The rows of the file, each with its 1-based line number.</summary>
    public static IEnumerable<(int Line, string[] Fields)> Read(string path, bool whitespaceSeparated = false)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int lineNo = 0;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            int startLine = lineNo;
            if (whitespaceSeparated)
            {
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 0) yield return (startLine, parts);
                continue;
            }
            if (line.Length == 0) continue;
            fields.Clear();
            field.Clear();
            bool quoted = false;
            int i = 0;
            while (true)
            {
                if (i == line.Length)
                {
                    if (quoted && reader.ReadLine() is { } next)
                    {
                        lineNo++;
                        field.Append('\n');
                        line = next;
                        i = 0;
                        continue;
                    }
                    break;
                }
                char c = line[i++];
                if (quoted)
                {
                    if (c != '"') field.Append(c);
                    else if (i < line.Length && line[i] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
                else field.Append(c);
            }
            fields.Add(field.ToString());
            yield return (startLine, fields.ToArray());
        }
    }

    /// <summary>The first row of a CSV file, or null when it is empty or unreadable.</summary>
    public static string[]? ReadHeader(string path)
    {
        try
        {
            foreach (var (_, fields) in Read(path)) return [.. fields.Select(f => f.Trim())];
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>The index of the first header among <paramref name="names"/> (ignoring case), or -1.</summary>
    public static int Find(string[] header, params string[] names)
    {
        foreach (string name in names)
            for (int i = 0; i < header.Length; i++)
                if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
