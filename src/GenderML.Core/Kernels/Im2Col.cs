namespace GenderML.Core.Kernels;

/// <summary>
/// Lowers convolution windows to a matrix and back. Row <c>(c·KH + i)·KW + j</c>, column <c>y·OW + x</c>
/// of the column matrix holds <c>input[c, y·sh − pt + i, x·sw − pl + j]</c>, zero outside the image.
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>Fills the (channels·KH·KW) × (OH·OW) column matrix of one image's <paramref name="channels"/> planes, row stride <paramref name="ld"/>.</summary>
    public static void Lower(in ConvGeometry g, float* image, int channels, float* col, int ld)
    {
        int oh = g.OutHeight, ow = g.OutWidth, h = g.InHeight, w = g.InWidth;
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++)
        {
            float* row = col + (long)((c * g.KernelHeight + i) * g.KernelWidth + j) * ld;
            ValidRange(j - g.PadLeft, g.StrideWidth, w, ow, out int x0, out int x1);
            for (int y = 0; y < oh; y++)
            {
                float* dst = row + y * ow;
                int iy = y * g.StrideHeight - g.PadTop + i;
                if ((uint)iy >= (uint)h)
                {
                    new Span<float>(dst, ow).Clear();
                    continue;
                }
                float* src = image + ((long)c * h + iy) * w + j - g.PadLeft;
                for (int x = 0; x < x0; x++) dst[x] = 0f;
                if (g.StrideWidth == 1)
                {
                    if (x1 > x0) new ReadOnlySpan<float>(src + x0, x1 - x0).CopyTo(new Span<float>(dst + x0, x1 - x0));
                }
                else
                {
                    int sw = g.StrideWidth;
                    for (int x = x0; x < x1; x++) dst[x] = src[x * sw];
                }
                for (int x = Math.Max(x1, x0); x < ow; x++) dst[x] = 0f;
            }
        }
    }

    /// <summary>Adds each entry of the column matrix back onto the input position it was read from (the transpose of <see cref="Lower"/>).</summary>
    public static void Raise(in ConvGeometry g, float* col, int ld, int channels, float* image)
    {
        int oh = g.OutHeight, ow = g.OutWidth, h = g.InHeight, w = g.InWidth;
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++)
        {
            float* row = col + (long)((c * g.KernelHeight + i) * g.KernelWidth + j) * ld;
            ValidRange(j - g.PadLeft, g.StrideWidth, w, ow, out int x0, out int x1);
            for (int y = 0; y < oh; y++)
            {
                int iy = y * g.StrideHeight - g.PadTop + i;
                if ((uint)iy >= (uint)h) continue;
                float* src = row + y * ow;
                float* dst = image + ((long)c * h + iy) * w + j - g.PadLeft;
                if (g.StrideWidth == 1)
                {
                    if (x1 > x0) KernelMath.AddInPlace(new Span<float>(dst + x0, x1 - x0), new ReadOnlySpan<float>(src + x0, x1 - x0));
                }
                else
                {
                    int sw = g.StrideWidth;
                    for (int x = x0; x < x1; x++) dst[x * sw] += src[x];
                }
            }
        }
    }

    /// <summary>The output columns [x0, x1) whose input column <c>x·stride + offset</c> lies in [0, width).</summary>
    public static void ValidRange(int offset, int stride, int width, int outWidth, out int x0, out int x1)
    {
        // x·stride + offset ≥ 0  ⇔  x ≥ ceil(−offset / stride); x·stride + offset < width ⇔ x ≤ (width − 1 − offset) / stride.
        x0 = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = width - 1 - offset;
        x1 = last < 0 ? 0 : Math.Min(outWidth, last / stride + 1);
        x0 = Math.Min(x0, outWidth);
        if (x1 < x0) x1 = x0;
    }
}
