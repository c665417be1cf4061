namespace GenderML.Data;

/// <summary>The element type of a <see cref="FeatureCache"/>'s values; the number is its size in bytes.</summary>
internal enum FeatureElement
{
    /// <summary>Bytes: preprocessed pixels.</summary>
    UInt8 = 1,

    /// <summary>IEEE half-precision floats: network feature maps kept at half the size.</summary>
    Float16 = 2,

    /// <summary>IEEE single-precision floats: embeddings.</summary>
    Float32 = 4,
}
