using GenderML.Core;

namespace GenderML.FaceApi;

/// <summary>Pooling over NCHW batches with TensorFlow padding semantics.</summary>
internal static class Pooling
{
    /// <summary>Max over each k×k window; padded cells are ignored (−inf padding, as TensorFlow).</summary>
    public static Tensor Max(Tensor x, int k, int stride, Padding padding)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        var (oh, top, _) = TfPadding.Axis(padding, h, k, stride);
        var (ow, left, _) = TfPadding.Axis(padding, w, k, stride);
        var y = new Tensor(n, c, oh, ow);
        float[] src = x.Data, dst = y.Data;
        for (int plane = 0; plane < n * c; plane++)
        {
            int si = plane * h * w, di = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                int y0 = Math.Max(0, oy * stride - top), y1 = Math.Min(h, oy * stride - top + k);
                for (int ox = 0; ox < ow; ox++)
                {
                    int x0 = Math.Max(0, ox * stride - left), x1 = Math.Min(w, ox * stride - left + k);
                    float m = float.NegativeInfinity;
                    for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++)
                        m = MathF.Max(m, src[si + iy * w + ix]);
                    dst[di + oy * ow + ox] = m;
                }
            }
        }

        return y;
    }

    /// <summary>Mean over each k×k 'valid' window (sum in double, stored float32).</summary>
    public static Tensor AverageValid(Tensor x, int k, int stride)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        var y = new Tensor(n, c, oh, ow);
        float[] src = x.Data, dst = y.Data;
        for (int plane = 0; plane < n * c; plane++)
        {
            int si = plane * h * w, di = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
            {
                double sum = 0;
                for (int iy = 0; iy < k; iy++)
                for (int ix = 0; ix < k; ix++)
                    sum += src[si + (oy * stride + iy) * w + ox * stride + ix];
                dst[di + oy * ow + ox] = (float)(sum / (k * k));
            }
        }

        return y;
    }

    /// <summary>Mean over all spatial positions: N×C×H×W → N×C (row-major), summed in double.</summary>
    public static float[] GlobalAverage(Tensor x)
    {
        int n = x.Dim(0), c = x.Dim(1), hw = x.Dim(2) * x.Dim(3);
        var y = new float[n * c];
        for (int plane = 0; plane < n * c; plane++)
        {
            double sum = 0;
            foreach (float v in x.Data.AsSpan(plane * hw, hw)) sum += v;
            y[plane] = (float)(sum / hw);
        }

        return y;
    }
}
