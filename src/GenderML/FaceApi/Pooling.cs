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
        var y = FeatureOps.Uninitialized(n, c, oh, ow);
        for (int plane = 0; plane < n * c; plane++)
            MaxPlane(x.Data.AsSpan(plane * h * w, h * w), h, w, y.Data.AsSpan(plane * oh * ow, oh * ow), oh, ow, k, stride, top, left);
        return y;
    }

    /// <summary>Separable, branch-free max: the element-wise max of the window's input rows (SIMD), then k-wide window maxima along it.</summary>
    private static void MaxPlane(ReadOnlySpan<float> src, int h, int w, Span<float> dst, int oh, int ow, int k, int stride, int top, int left)
    {
        Span<float> colMax = w <= 1024 ? stackalloc float[w] : new float[w];
        for (int oy = 0; oy < oh; oy++)
        {
            int y0 = Math.Max(0, oy * stride - top), y1 = Math.Min(h, oy * stride - top + k);
            src.Slice(y0 * w, w).CopyTo(colMax);
            for (int iy = y0 + 1; iy < y1; iy++) MaxInPlace(colMax, src.Slice(iy * w, w));
            Span<float> o = dst.Slice(oy * ow, ow);
            for (int ox = 0; ox < ow; ox++)
            {
                int x0 = ox * stride - left, x1 = Math.Min(w, x0 + k);
                float m = float.NegativeInfinity;
                for (int ix = Math.Max(0, x0); ix < x1; ix++) m = float.MaxNative(m, colMax[ix]);
                o[ox] = m;
            }
        }
    }

    private static void MaxInPlace(Span<float> a, ReadOnlySpan<float> b)
    {
        var va = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(a);
        var vb = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(b);
        for (int i = 0; i < va.Length; i++) va[i] = System.Numerics.Vector.Max(va[i], vb[i]);
        for (int i = va.Length * System.Numerics.Vector<float>.Count; i < a.Length; i++) a[i] = float.MaxNative(a[i], b[i]);
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
