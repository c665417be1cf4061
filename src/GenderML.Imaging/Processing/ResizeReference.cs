namespace GenderML.Imaging.Processing;

/// <summary>
/// The naive 2-D definition the fast <see cref="Resampler"/> is tested against: each output pixel is the
/// weighted sum over all input pixels of wx(x, sx)·wy(y, sy), with the weights computed directly from the
/// area-overlap or linear-interpolation formula (no tables, no separability, double precision).
/// </summary>
internal static class ResizeReference
{
    public static byte[] Resize(byte[] src, int sw, int sh, int channels, int dw, int dh)
    {
        byte[] dst = new byte[dw * dh * channels];
        for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++)
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int sy = 0; sy < sh; sy++)
            {
                double wyv = Weight(sh, dh, y, sy);
                if (wyv == 0) continue;
                for (int sx = 0; sx < sw; sx++)
                    sum += wyv * Weight(sw, dw, x, sx) * src[(sy * sw + sx) * channels + c];
            }
            dst[(y * dw + x) * channels + c] = (byte)Math.Clamp(Math.Floor(sum + 0.5), 0, 255);
        }
        return dst;
    }

    /// <summary>Weight of input sample <paramref name="s"/> in output sample <paramref name="o"/>.</summary>
    internal static double Weight(int source, int target, int o, int s)
    {
        double scale = (double)source / target;
        if (target < source)
        {
            double overlap = Math.Min((o + 1) * scale, s + 1) - Math.Max(o * scale, s);
            return overlap > 0 ? overlap / scale : 0;
        }
        double centre = Math.Clamp((o + 0.5) * scale - 0.5, 0, source - 1);
        double d = Math.Abs(centre - s);
        return d < 1 ? 1 - d : 0;
    }
}
