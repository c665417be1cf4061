using System.Buffers.Binary;
using System.IO.Compression;
using GenderML.Imaging;

namespace GenderML.Tests.FaceApi;

/// <summary>A minimal PNG reader for the golden inputs (8-bit RGB/RGBA, non-interlaced) until Image.Load lands.</summary>
internal static class TestPng
{
    public static Image Load(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int pos = 8, width = 0, height = 0, colorType = 0;
        using var idat = new MemoryStream();
        while (pos < file.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            var body = file.AsSpan(pos + 8, len);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                colorType = body[9];
                if (body[8] != 8 || body[12] != 0 || colorType is not (2 or 6))
                    throw new NotSupportedException($"{path}: only 8-bit RGB/RGBA non-interlaced PNGs");
            }
            else if (type == "IDAT")
            {
                idat.Write(body);
            }

            pos += 12 + len;
        }

        int bpp = colorType == 6 ? 4 : 3, stride = width * bpp;
        var raw = new byte[height * (stride + 1)];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.ReadExactly(raw);
        var cur = new byte[stride];
        var prev = new byte[stride];
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                int x = raw[y * (stride + 1) + 1 + i];
                cur[i] = (byte)(filter switch
                {
                    0 => x,
                    1 => x + a,
                    2 => x + b,
                    3 => x + ((a + b) >> 1),
                    4 => x + Paeth(a, b, c),
                    _ => throw new InvalidDataException($"{path}: bad filter {filter}"),
                });
            }

            for (int px = 0; px < width; px++)
            for (int k = 0; k < 3; k++)
                rgb[(y * width + px) * 3 + k] = cur[px * bpp + k];
            (cur, prev) = (prev, cur);
        }

        return new Image(width, height, PixelFormat.Rgb24, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
