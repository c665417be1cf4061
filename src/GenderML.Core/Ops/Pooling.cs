using GenderML.Core.Layers;

namespace GenderML.Core.Ops;

/// <summary>The shape of a pooling: planes (N·C) of H×W, K×K windows, stride, padding per side.</summary>
internal readonly record struct PoolGeometry(int Planes, int InHeight, int InWidth, int Kernel, int Stride, int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    public int OutHeight => (InHeight + PadTop + PadBottom - Kernel) / Stride + 1;

    public int OutWidth => (InWidth + PadLeft + PadRight - Kernel) / Stride + 1;

    public static PoolGeometry For(Tensor input, int kernel, int stride, ConvPadding padding, string layer)
    {
        TensorBuffers.RequireRank(input, 4, layer, "N×C×H×W");
        int h = input.Dim(2), w = input.Dim(3);
        var (top, bottom) = padding.Resolve(h, kernel, stride, vertical: true);
        var (left, right) = padding.Resolve(w, kernel, stride, vertical: false);
        if (top >= kernel || left >= kernel || bottom >= kernel || right >= kernel)
            throw new ArgumentException($"{layer}: padding {padding} must be smaller than the {kernel}×{kernel} window");
        var g = new PoolGeometry(input.Dim(0) * input.Dim(1), h, w, kernel, stride, top, left, bottom, right);
        if (g.OutHeight <= 0 || g.OutWidth <= 0)
            throw new ArgumentException($"{layer}: a {kernel}×{kernel} window does not fit {input}");
        return g;
    }
}

/// <summary>Max and average pooling loops, forward and backward side by side.</summary>
internal static class Pooling
{
    /// <summary>Writes each window's maximum and the plane-relative index of its first maximum.</summary>
    public static void MaxForward(in PoolGeometry g, ReadOnlySpan<float> input, Span<float> output, Span<int> argmax)
    {
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.InHeight * g.InWidth;
        if (g.Kernel == 2 && g.Stride == 2 && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0)
        {
            Max2x2(g, input, output, argmax);
            return;
        }
        for (int p = 0; p < g.Planes; p++)
        {
            var src = input.Slice(p * plane, plane);
            for (int y = 0; y < oh; y++)
            {
                int y0 = y * g.Stride - g.PadTop;
                int ya = Math.Max(y0, 0), yb = Math.Min(y0 + g.Kernel, g.InHeight);
                for (int x = 0; x < ow; x++)
                {
                    int x0 = x * g.Stride - g.PadLeft;
                    int xa = Math.Max(x0, 0), xb = Math.Min(x0 + g.Kernel, g.InWidth);
                    float best = float.NegativeInfinity;
                    int at = ya * g.InWidth + xa;
                    for (int iy = ya; iy < yb; iy++)
                    for (int ix = xa; ix < xb; ix++)
                    {
                        float v = src[iy * g.InWidth + ix];
                        if (v > best) { best = v; at = iy * g.InWidth + ix; }
                    }
                    int o = (p * oh + y) * ow + x;
                    output[o] = best;
                    argmax[o] = at;
                }
            }
        }
    }

    private static void Max2x2(in PoolGeometry g, ReadOnlySpan<float> input, Span<float> output, Span<int> argmax)
    {
        int oh = g.OutHeight, ow = g.OutWidth, w = g.InWidth, plane = g.InHeight * w;
        for (int p = 0; p < g.Planes; p++)
        {
            var src = input.Slice(p * plane, plane);
            int ob = p * oh * ow;
            for (int y = 0; y < oh; y++)
            {
                int r0 = 2 * y * w, r1 = r0 + w;
                for (int x = 0; x < ow; x++)
                {
                    int i = r0 + 2 * x;
                    float best = src[i]; int at = i;
                    if (src[i + 1] > best) { best = src[i + 1]; at = i + 1; }
                    int j = r1 + 2 * x;
                    if (src[j] > best) { best = src[j]; at = j; }
                    if (src[j + 1] > best) { best = src[j + 1]; at = j + 1; }
                    output[ob + y * ow + x] = best;
                    argmax[ob + y * ow + x] = at;
                }
            }
        }
    }

    /// <summary>Overwrites <paramref name="gradInput"/>: each output gradient goes to its window's first maximum.</summary>
    public static void MaxBackward(in PoolGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> argmax, Span<float> gradInput)
    {
        int outPlane = g.OutHeight * g.OutWidth, plane = g.InHeight * g.InWidth;
        gradInput[..(g.Planes * plane)].Clear();
        for (int p = 0; p < g.Planes; p++)
        {
            var dst = gradInput.Slice(p * plane, plane);
            for (int o = p * outPlane; o < (p + 1) * outPlane; o++) dst[argmax[o]] += gradOutput[o];
        }
    }

    /// <summary>Writes each window's mean.</summary>
    public static void AvgForward(in PoolGeometry g, bool countIncludePad, ReadOnlySpan<float> input, Span<float> output)
    {
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.InHeight * g.InWidth;
        for (int p = 0; p < g.Planes; p++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            var (ya, yb, xa, xb, divisor) = Window(g, countIncludePad, y, x);
            float sum = 0f;
            for (int iy = ya; iy < yb; iy++)
            for (int ix = xa; ix < xb; ix++) sum += input[p * plane + iy * g.InWidth + ix];
            output[(p * oh + y) * ow + x] = sum / divisor;
        }
    }

    /// <summary>Overwrites <paramref name="gradInput"/>: each output gradient spread evenly over its window.</summary>
    public static void AvgBackward(in PoolGeometry g, bool countIncludePad, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.InHeight * g.InWidth;
        gradInput[..(g.Planes * plane)].Clear();
        for (int p = 0; p < g.Planes; p++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            var (ya, yb, xa, xb, divisor) = Window(g, countIncludePad, y, x);
            float share = gradOutput[(p * oh + y) * ow + x] / divisor;
            for (int iy = ya; iy < yb; iy++)
            for (int ix = xa; ix < xb; ix++) gradInput[p * plane + iy * g.InWidth + ix] += share;
        }
    }

    private static (int Ya, int Yb, int Xa, int Xb, float Divisor) Window(in PoolGeometry g, bool countIncludePad, int y, int x)
    {
        int y0 = y * g.Stride - g.PadTop, x0 = x * g.Stride - g.PadLeft;
        int ya = Math.Max(y0, 0), yb = Math.Min(y0 + g.Kernel, g.InHeight);
        int xa = Math.Max(x0, 0), xb = Math.Min(x0 + g.Kernel, g.InWidth);
        float divisor = countIncludePad
            ? (Math.Min(y0 + g.Kernel, g.InHeight + g.PadBottom) - y0) * (Math.Min(x0 + g.Kernel, g.InWidth + g.PadRight) - x0)
            : (yb - ya) * (xb - xa);
        return (ya, yb, xa, xb, divisor);
    }
}
