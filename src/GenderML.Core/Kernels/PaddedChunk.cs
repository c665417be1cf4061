namespace GenderML.Core.Kernels;

/// <summary>
/// Some channels of a few consecutive images, copied with the convolution's zero padding around every plane, so
/// that implicit im2col reads need no bounds checks: element (image, channel, y, x) of the padded batch is at
/// <c>image·ImageLength + channel·PlaneLength + y·Width + x</c>, and input pixel (iy, ix) sits at (iy + pt, ix + pl).
/// </summary>
internal readonly unsafe struct PaddedChunk
{
    /// <summary>Zeroed floats after the last plane, so vector loads may run a little past a row's end.</summary>
    public const int Slack = 64;

    public readonly float* Data;
    public readonly int Width;
    public readonly long PlaneLength, ImageLength;

    private PaddedChunk(float* data, int width, long plane, long image)
    {
        Data = data; Width = width; PlaneLength = plane; ImageLength = image;
    }

    /// <summary>
    /// Copies <paramref name="channels"/> planes of <paramref name="count"/> images (the first at <paramref name="first"/>,
    /// images <paramref name="imageStride"/> floats apart) into scratch slot <paramref name="slot"/> of this thread.
    /// </summary>
    public static PaddedChunk Fill(in ConvGeometry g, float* first, long imageStride, int channels, int count, int slot)
    {
        int h = g.InHeight, w = g.InWidth, pt = g.PadTop, pl = g.PadLeft, pr = g.PadRight;
        int hp = h + pt + g.PadBottom, wp = w + pl + pr;
        long plane = (long)hp * wp, image = plane * channels;
        float* data = NativeScratch.Get(slot, image * count + Slack);
        for (int n = 0; n < count; n++)
        for (int c = 0; c < channels; c++)
        {
            float* src = first + n * imageStride + (long)c * h * w;
            float* dst = data + n * image + c * plane;
            new Span<float>(dst, pt * wp + pl).Clear();
            float* row = dst + (long)pt * wp + pl;
            for (int y = 0; y < h; y++, row += wp, src += w)
            {
                new ReadOnlySpan<float>(src, w).CopyTo(new Span<float>(row, w));
                if (y < h - 1) new Span<float>(row + w, pl + pr).Clear();
            }
            // The right padding of the last row, then the bottom rows.
            long tail = plane - ((long)(pt + h - 1) * wp + pl + w);
            new Span<float>(row - wp + w, (int)tail).Clear();
        }
        new Span<float>(data + image * count, Slack).Clear();
        return new PaddedChunk(data, wp, plane, image);
    }
}
