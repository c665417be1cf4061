namespace GenderML.Data;

/// <summary>
/// One file in a <see cref="FeatureCache"/>: its identity (path, length, mtime), the first 16 bytes of the SHA-256 of
/// its content, and either the error that stopped it or where its values are in the cache file and their xxHash64.
/// </summary>
internal sealed record FeatureEntry(string Path, long Length, long MtimeTicks, UInt128 Hash, string? Error, long Offset, ulong Checksum)
{
    /// <summary>The first 16 bytes of the SHA-256 of <paramref name="bytes"/>: the content key of a file.</summary>
    public static UInt128 ContentHash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> h = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(bytes, h);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(h);
    }
}
