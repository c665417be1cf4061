using System.Buffers.Binary;
using System.IO.Hashing;

namespace GenderML.Fuzz.Tests;

/// <summary>
/// Seeded mutations of a file's bytes, as a fuzzer makes them: bit flips, interesting byte values, truncations,
/// splices with another file, inserted and deleted runs, and header edits (JPEG frame size, PNG IHDR fields with
/// the chunk CRC fixed so libpng reads past it). Case <c>i</c> of seed <c>s</c> is always the same bytes.
/// </summary>
internal static class Mutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];

    /// <summary>The mutation kinds, for the failure message of a case.</summary>
    public static readonly string[] Kinds = ["flip", "set", "truncate", "splice", "insert", "delete", "header", "stack"];

    /// <summary>The bytes of case <paramref name="index"/>: <paramref name="seed"/> mutated, <paramref name="other"/> for splices.</summary>
    public static (byte[] Bytes, string Kind) Mutate(byte[] seed, byte[] other, int index, int rngSeed)
    {
        var random = new Random(HashCode.Combine(rngSeed, index));
        int kind = index % Kinds.Length;
        byte[] bytes = kind == Kinds.Length - 1 ? Stack(seed, other, random) : Apply(kind, seed, other, random);
        return (bytes, Kinds[kind]);
    }

    private static byte[] Stack(byte[] seed, byte[] other, Random random)
    {
        byte[] bytes = seed;
        for (int n = 2 + random.Next(4); n > 0; n--) bytes = Apply(random.Next(Kinds.Length - 1), bytes, other, random);
        return bytes;
    }

    private static byte[] Apply(int kind, byte[] seed, byte[] other, Random random)
    {
        if (seed.Length == 0) return [.. other.Take(64)];
        byte[] b = (byte[])seed.Clone();
        switch (kind)
        {
            case 0:
                for (int n = 1 + random.Next(16); n > 0; n--) b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                return b;
            case 1:
                for (int n = 1 + random.Next(8); n > 0; n--) b[random.Next(b.Length)] = Interesting[random.Next(Interesting.Length)];
                return b;
            case 2:
                return b[..random.Next(b.Length)];
            case 3:
                int cut = random.Next(b.Length), from = random.Next(Math.Max(1, other.Length));
                return [.. b[..cut], .. other.AsSpan(Math.Min(from, other.Length))];
            case 4:
                int at = random.Next(b.Length);
                byte[] run = new byte[1 + random.Next(256)];
                random.NextBytes(run);
                return [.. b[..at], .. run, .. b[at..]];
            case 5:
                int start = random.Next(b.Length), length = Math.Min(b.Length - start, 1 + random.Next(512));
                return [.. b[..start], .. b[(start + length)..]];
            default:
                return EditHeader(b, random);
        }
    }

    /// <summary>Changes a JPEG SOF's height/width or a PNG IHDR field to an extreme or random value.</summary>
    private static byte[] EditHeader(byte[] b, Random random)
    {
        ushort[] sizes = [0, 1, 2, 7, 8, 9, 255, 256, 4096, 32767, 65535];
        if (b.Length > 24 && b[0] == 0x89 && b[1] == (byte)'P')
        {
            // IHDR data at 16..29: width, height, bit depth, colour type, compression, filter, interlace.
            int field = random.Next(7);
            if (field < 2) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16 + 4 * field), random.Next(3) == 0 ? random.Next() : sizes[random.Next(sizes.Length)]);
            else if (b.Length > 24 + field) b[24 + field - 2] = (byte)random.Next(20);
            if (b.Length >= 33) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(29), Crc32.HashToUInt32(b.AsSpan(12, 17)));
            return b;
        }
        for (int i = 2; i + 9 < b.Length; i++)
        {
            if (b[i] != 0xFF || b[i + 1] is not (0xC0 or 0xC1 or 0xC2)) continue;
            int offset = i + 5 + 2 * random.Next(2); // height or width
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(offset), sizes[random.Next(sizes.Length)]);
            if (random.Next(4) == 0) b[i + 9] = (byte)random.Next(256); // component count
            return b;
        }
        b[random.Next(b.Length)] ^= 0xFF;
        return b;
    }
}
