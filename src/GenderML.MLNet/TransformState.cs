using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenderML.MLNet;

/// <summary>
/// What a GenderML transform needs beyond its code (settings, and for <c>PredictGender</c> the GenderML model file), as
/// bytes that travel inside the ML.NET model: a one-line JSON header, a newline, then the payload. The header holds the
/// settings and the payload's SHA-256.
/// </summary>
/// <remarks>
/// ML.NET saves a third-party transform only as a <c>CustomMapping</c> contract name, with no state of its own; the state
/// rides in a column made by ML.NET's own <c>MapValue</c> (a one-entry lookup table, saved with the model) and reaches the
/// mapping in every row. What is built from it (networks, a loaded classifier) is kept once per process, keyed by the
/// header, because ML.NET creates mappings without any context to keep it in.
/// </remarks>
internal static class TransformState
{
    private static readonly ConcurrentDictionary<string, Lazy<object>> Built = new(StringComparer.Ordinal);

    public static byte[] Create(string transform, JsonObject settings, byte[]? payload = null)
    {
        settings["transform"] = transform;
        settings["payloadSha256"] = Convert.ToHexStringLower(SHA256.HashData(payload ?? []));
        byte[] header = Encoding.UTF8.GetBytes(settings.ToJsonString());
        return [.. header, (byte)'\n', .. payload ?? []];
    }

    /// <summary>The object <paramref name="build"/> makes of <paramref name="state"/>, built once per process.</summary>
    public static T Get<T>(byte[] state, Func<JsonElement, byte[], T> build) where T : class
    {
        int end = Array.IndexOf(state, (byte)'\n');
        if (end < 0) throw new InvalidDataException("a GenderML transform's state column is damaged (no header)");
        string header = Encoding.UTF8.GetString(state, 0, end);
        var built = Built.GetOrAdd(header, _ => new Lazy<object>(() =>
        {
            using var json = JsonDocument.Parse(header);
            byte[] payload = state[(end + 1)..];
            string sha = Convert.ToHexStringLower(SHA256.HashData(payload));
            if (sha != json.RootElement.GetProperty("payloadSha256").GetString())
                throw new InvalidDataException($"a GenderML transform's payload has sha256 {sha}, not the one it was saved with");
            return build(json.RootElement.Clone(), payload);
        }));
        return (T)built.Value;
    }
}
