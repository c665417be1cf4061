using System.Buffers.Binary;

namespace GenderML.Imaging.Jpeg;

/// <summary>
/// Reads what TurboJPEG does not report from the JPEG's marker segments before the first scan: the
/// EXIF orientation (APP1 "Exif", TIFF tag 0x0112) and whether an Adobe APP14 segment is present.
/// </summary>
/// <remarks>Every offset is bounds-checked; malformed segments are ignored (orientation 1), never thrown on.
/// EXIF layout: CIPA DC-008 (Exif 2.3) §4.5; TIFF 6.0 §2 for the IFD structure.</remarks>
internal static class JpegMarkers
{
    /// <summary>Scans the marker segments up to the first SOS and returns the EXIF orientation (1–8, 1 when absent or invalid).</summary>
    public static int ReadOrientation(ReadOnlySpan<byte> jpeg)
    {
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.Length)
        {
            if (jpeg[pos] != 0xFF)
                return 1;
            byte marker = jpeg[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0xD8 or (>= 0xD0 and <= 0xD7) or 0x01) { pos += 2; continue; } // no length
            if (marker is 0xDA or 0xD9)
                return 1; // start of scan / end of image: headers are over
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(pos + 2));
            if (length < 2 || pos + 2 + length > jpeg.Length)
                return 1;
            ReadOnlySpan<byte> segment = jpeg.Slice(pos + 4, length - 2);
            if (marker == 0xE1 && segment.Length >= 6 && segment[..6].SequenceEqual("Exif\0\0"u8))
                return OrientationFromTiff(segment[6..]);
            pos += 2 + length;
        }
        return 1;
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
