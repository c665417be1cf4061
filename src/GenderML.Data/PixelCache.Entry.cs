namespace GenderML.Data;

public sealed partial class PixelCache
{
    /// <summary>One indexed file: its path, stamp (length, mtime), content hash, and the decode error if any.</summary>
    internal sealed record Entry(string Path, long Length, long MtimeTicks, UInt128 Hash, string? Error)
    {
        /// <summary>The xxHash64 of the entry's sample bytes in the cache file, checked when the file is opened.</summary>
        public ulong SampleChecksum { get; init; }
    }

    /// <summary>The first 16 bytes of the SHA-256 of <paramref name="bytes"/>.</summary>
    internal static UInt128 ContentHash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> h = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(bytes, h);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(h);
    }
}
