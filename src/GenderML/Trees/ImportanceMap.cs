using System.Text;

namespace GenderML.Trees;

/// <summary>Writes an importance map (values in [0, 1], row by row) as an image.</summary>
internal static class ImportanceMap
{
    /// <summary>
    /// Writes <paramref name="map"/> as a binary 8-bit PGM (Netpbm P5): pixel = round(255 · clamp(v, 0, 1)),
    /// brighter = more important.
    /// </summary>
    /// <exception cref="ArgumentException">The map's length is not width × height.</exception>
    public static void WritePgm(ReadOnlySpan<float> map, int width, int height, Stream destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(destination);
        if (map.Length != (long)width * height)
            throw new ArgumentException($"importance map: {map.Length} values, not {width}×{height}.", nameof(map));
        destination.Write(Encoding.ASCII.GetBytes(FormattableString.Invariant($"P5\n{width} {height}\n255\n")));
        var pixels = new byte[map.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            float v = float.IsNaN(map[i]) ? 0 : Math.Clamp(map[i], 0f, 1f);
            pixels[i] = (byte)MathF.Round(v * 255);
        }
        destination.Write(pixels);
    }
}
