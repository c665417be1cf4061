using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace GenderML.MLNet;

/// <summary>The constant key column whose <c>MapValue</c> lookup gives every row the transform's state.</summary>
internal sealed class StateKey
{
    internal const string Value = "state";

    /// <summary>Always <c>"state"</c>.</summary>
    [ColumnName(ImageInputs.KeyColumn)]
    public string Key { get; set; } = Value;
}

/// <summary>A row that reads no column.</summary>
internal sealed class NoColumns
{
}

/// <summary>Makes <see cref="StateKey"/> (ML.NET finds it by its contract when a saved model loads).</summary>
[CustomMappingFactoryAttribute(Contract)]
internal sealed class StateKeyFactory : CustomMappingFactory<NoColumns, StateKey>
{
    internal const string Contract = "GenderML.StateKey";

    /// <inheritdoc/>
    public override Action<NoColumns, StateKey> GetMapping() => (_, key) => key.Key = StateKey.Value;
}
