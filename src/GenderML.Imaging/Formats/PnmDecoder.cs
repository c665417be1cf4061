namespace GenderML.Imaging.Formats;

/// <summary>Decodes binary Netpbm: P5 (gray) and P6 (RGB), 8- or 16-bit samples, scaled to 0–255.</summary>
/// <remarks>Spec: https://netpbm.sourceforge.net/doc/pgm.html and ppm.html. Managed; no native library.</remarks>
internal static class PnmDecoder
{
    /// <summary>Decodes <paramref name="data"/>, which starts with "P5" or "P6".</summary>
    public static Image Decode(ReadOnlySpan<byte> data, ImageLoadOptions options, string name)
    {
        int channels = data[1] == '6' ? 3 : 1;
        int pos = 2;
        int width = ReadNumber(data, ref pos, name), height = ReadNumber(data, ref pos, name), maxval = ReadNumber(data, ref pos, name);
        if (maxval is < 1 or > 65535)
            throw new ImageLoadException(name, $"invalid PNM maxval {maxval}");
        pos++; // the single whitespace byte after maxval
        ImageLimits.Check(name, width, height, options);
        int bytesPerSample = maxval > 255 ? 2 : 1;
        long needed = (long)width * height * channels * bytesPerSample;
        if (data.Length - pos < needed)
            throw new ImageLoadException(name, $"truncated PNM ({data.Length - pos} of {needed} pixel bytes)");

        int samples = checked(width * height * channels);
        byte[] stored = new byte[samples];
        ReadOnlySpan<byte> body = data.Slice(pos);
        for (int i = 0; i < samples; i++)
        {
            int v = bytesPerSample == 1 ? body[i] : (body[2 * i] << 8) | body[2 * i + 1];
            stored[i] = maxval == 255 ? (byte)v : (byte)((Math.Min(v, maxval) * 255 + maxval / 2) / maxval);
        }
        Image image = new(width, height, channels == 3 ? PixelFormat.Rgb24 : PixelFormat.Gray8, stored);
        return options.Format is { } f && f != image.Format ? image.ConvertTo(f) : image;
    }

    private static int ReadNumber(ReadOnlySpan<byte> data, ref int pos, string name)
    {
        while (pos < data.Length && (data[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' || data[pos] == '#'))
        {
            if (data[pos] == '#')
                while (pos < data.Length && data[pos] != '\n') pos++;
            else
                pos++;
        }
        long value = 0;
        int start = pos;
        while (pos < data.Length && data[pos] is >= (byte)'0' and <= (byte)'9' && value <= int.MaxValue)
            value = value * 10 + (data[pos++] - '0');
        if (pos == start || value > int.MaxValue)
            throw new ImageLoadException(name, "malformed PNM header");
        return (int)value;
    }
}
