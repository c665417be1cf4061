namespace GenderML.FaceApi;

/// <summary>
/// TensorFlow's legacy bilinear resize (<c>resizeBilinear</c> with alignCorners = false and
/// halfPixelCenters = false; tfjs-backend-cpu <c>ResizeBilinear</c>): <c>src = dst · in/out</c>, no
/// antialiasing, arithmetic in double, float32 output.
/// </summary>
internal static class LegacyBilinear
{
    /// <summary>Resizes an HWC float image.</summary>
    public static float[] Resize(float[] src, int inH, int inW, int channels, int outH, int outW)
    {
        var dst = new float[outH * outW * channels];
        double rowRatio = (double)inH / outH, colRatio = (double)inW / outW;
        for (int r = 0; r < outH; r++)
        {
            double sr = r * rowRatio;
            int r0 = (int)Math.Floor(sr), r1 = Math.Min(inH - 1, (int)Math.Ceiling(sr));
            double fr = sr - r0;
            for (int c = 0; c < outW; c++)
            {
                double sc = c * colRatio;
                int c0 = (int)Math.Floor(sc), c1 = Math.Min(inW - 1, (int)Math.Ceiling(sc));
                double fc = sc - c0;
                int tl = (r0 * inW + c0) * channels, tr = (r0 * inW + c1) * channels;
                int bl = (r1 * inW + c0) * channels, br = (r1 * inW + c1) * channels;
                int o = (r * outW + c) * channels;
                for (int k = 0; k < channels; k++)
                {
                    double top = src[tl + k] + (src[tr + k] - (double)src[tl + k]) * fc;
                    double bot = src[bl + k] + (src[br + k] - (double)src[bl + k]) * fc;
                    dst[o + k] = (float)(top + (bot - top) * fr);
                }
            }
        }

        return dst;
    }
}
