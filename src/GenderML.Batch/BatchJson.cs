using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenderML.Batch;

/// <summary>The JSON settings of manifests and part metadata: camelCase names, enums as lowercase words, indented.</summary>
internal static class BatchJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
