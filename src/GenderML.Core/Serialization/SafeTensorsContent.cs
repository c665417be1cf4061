namespace GenderML.Core.Serialization;

/// <summary>What a safetensors file holds: its tensors by name and its <c>__metadata__</c> string map.</summary>
/// <param name="Tensors">The tensors, by name (ordinal).</param>
/// <param name="Metadata">The <c>__metadata__</c> entries, empty when the file has none.</param>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);
