using System.Buffers.Binary;

namespace GenderML.Imaging.Jpeg;

/// <summary>
/// Reads the JPEG's marker segments before the first scan: the frame size (SOF) and the EXIF orientation
/// (APP1 "Exif", TIFF tag 0x0112), which TurboJPEG does not report.
/// </summary>
/// <remarks>Every offset is bounds-checked; malformed segments are ignored (orientation 1), never thrown on.
/// EXIF layout: CIPA DC-008 (Exif 2.3) §4.5; TIFF 6.0 §2 for the IFD structure.</remarks>
internal static class JpegMarkers
{
    /// <summary>What the marker segments before the first scan say.</summary>
    /// <param name="Width">Width from the SOF segment (0 when no SOF was found).</param>
    /// <param name="Height">Height from the SOF segment.</param>
    /// <param name="Components">Colour components: 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK.</param>
    /// <param name="Orientation">EXIF orientation 1–8 (1 when absent or invalid).</param>
    internal readonly record struct Header(int Width, int Height, int Components, int Orientation);

    /// <summary>Scans the marker segments up to the first SOS and returns the EXIF orientation (1–8, 1 when absent or invalid).</summary>
    public static int ReadOrientation(ReadOnlySpan<byte> jpeg) => Scan(jpeg).Orientation;

    /// <summary>
    /// Walks the marker segments from SOI to the first SOS, reading the frame size (SOF0–SOF15 except
    /// DHT/JPG/DAC) and the EXIF orientation. The size is reported only when every segment up to SOS is
    /// complete (a header cut short leaves it 0, so the caller asks libjpeg for its verdict instead).
    /// </summary>
    public static Header Scan(ReadOnlySpan<byte> jpeg)
    {
        int orientation = 1, pos = 2; // after SOI
        Header frame = default;
        while (pos + 4 <= jpeg.Length)
        {
            if (jpeg[pos] != 0xFF)
                break;
            byte marker = jpeg[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0xD8 or (>= 0xD0 and <= 0xD7) or 0x01) { pos += 2; continue; } // no length
            if (marker == 0xD9)
                break; // end of image before any scan
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(pos + 2));
            if (length < 2 || pos + 2 + length > jpeg.Length)
                break;
            if (marker == 0xDA)
                return frame with { Orientation = orientation }; // start of scan: the header is complete
            ReadOnlySpan<byte> segment = jpeg.Slice(pos + 4, length - 2);
            if (marker == 0xE1 && segment.Length >= 6 && segment[..6].SequenceEqual("Exif\0\0"u8))
                orientation = OrientationFromTiff(segment[6..]);
            else if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC && segment.Length >= 6 && frame.Width == 0)
                frame = new Header(BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(3)), BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(1)), segment[5], 1);
            pos += 2 + length;
        }
        return new Header(0, 0, 0, orientation);
    }

    /// <summary>The orientation tag of IFD0 in a TIFF structure, or 1.</summary>
    internal static int OrientationFromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
            return 1;
        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
        else if (tiff[0] == 'M' && tiff[1] == 'M') little = false;
        else return 1;
        if (U16(tiff, 2, little) != 42)
            return 1;
        uint ifd = U32(tiff, 4, little);
        if (ifd > (uint)tiff.Length - 2)
            return 1;
        int count = U16(tiff, (int)ifd, little);
        int entries = (int)ifd + 2;
        for (int i = 0; i < count; i++)
        {
            int e = entries + i * 12;
            if (e + 12 > tiff.Length)
                return 1;
            if (U16(tiff, e, little) != 0x0112)
                continue;
            int type = U16(tiff, e + 2, little);
            int value = type switch
            {
                3 => U16(tiff, e + 8, little),             // SHORT, left-justified in the value field
                4 => (int)Math.Min(U32(tiff, e + 8, little), 9u), // LONG, seen in the wild
                _ => 1,
            };
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    private static int U16(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(at)) : BinaryPrimitives.ReadUInt16BigEndian(s.Slice(at));

    private static uint U32(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(at)) : BinaryPrimitives.ReadUInt32BigEndian(s.Slice(at));
}
