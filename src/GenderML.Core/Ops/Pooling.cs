using System.Numerics.Tensors;
using GenderML.Core.Layers;

namespace GenderML.Core.Ops;

/// <summary>The shape of a pooling: planes (N·C) of H×W, K×K windows, stride, padding per side.</summary>
internal readonly record struct PoolGeometry(int Planes, int InHeight, int InWidth, int Kernel, int Stride, int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    /// <summary>True for the 2×2, stride-2, unpadded case that <see cref="MaxPool2x2"/> handles.</summary>
    public bool IsPlain2x2 => Kernel == 2 && Stride == 2 && PadTop == 0 && PadLeft == 0 && PadBottom == 0 && PadRight == 0;

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
    /// <summary>Writes each window's maximum, for planes [start, end): the 2×2 kernel, the small-window one or the
    /// separable one; plus <paramref name="residual"/>'s value when that is not empty (shaped like the output), in the
    /// small-window kernel's store or by an add over the planes' outputs after them.</summary>
    public static void MaxForward(in PoolGeometry g, ReadOnlySpan<float> input, Span<float> output, int start, int end,
        ReadOnlySpan<float> residual = default)
    {
        if (!g.IsPlain2x2 && MaxPoolSmall.Handles(g))
        {
            MaxPoolSmall.Forward(g, input, output, start, end, residual);
            return;
        }
        if (g.IsPlain2x2) MaxPool2x2.Forward(input, output, g.InHeight, g.InWidth, start, end);
        else MaxPoolRows.Forward(g, input, output, start, end);
        if (residual.IsEmpty) return;
        int plane = g.OutHeight * g.OutWidth;
        var added = output.Slice(start * plane, (end - start) * plane);
        TensorPrimitives.Add(added, residual.Slice(start * plane, added.Length), added);
    }

    /// <summary>Writes each window's maximum, for planes [start, end), window by window (the naive twin).</summary>
    public static void MaxForwardReference(in PoolGeometry g, ReadOnlySpan<float> input, Span<float> output, int start, int end)
    {
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.InHeight * g.InWidth;
        for (int p = start; p < end; p++)
        {
            var src = input.Slice(p * plane, plane);
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                var (ya, yb, xa, xb) = Window(g, y, x);
                float best = float.NegativeInfinity;
                for (int iy = ya; iy < yb; iy++)
                for (int ix = xa; ix < xb; ix++)
                    best = MathF.Max(best, src[iy * g.InWidth + ix]);
                output[(p * oh + y) * ow + x] = best;
            }
        }
    }

    /// <summary>Overwrites the input gradient of planes [start, end): each output gradient goes to the first input of its window equal to the window's maximum.
    /// <paramref name="rectified"/> (plain 2×2 pools only): only where that maximum is above 0.</summary>
    public static void MaxBackward(in PoolGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int start, int end,
        bool rectified = false)
    {
        if (rectified && !g.IsPlain2x2) throw new ArgumentException("Pooling.MaxBackward: the rectified pass is for plain 2×2 pools", nameof(rectified));
        if (g.IsPlain2x2)
        {
            MaxPool2x2.Backward(input, output, gradOutput, gradInput, g.InHeight, g.InWidth, start, end, rectified);
            return;
        }
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.InHeight * g.InWidth;
        gradInput.Slice(start * plane, (end - start) * plane).Clear();
        for (int p = start; p < end; p++)
        {
            var src = input.Slice(p * plane, plane);
            var dst = gradInput.Slice(p * plane, plane);
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                int o = (p * oh + y) * ow + x;
                var (ya, yb, xa, xb) = Window(g, y, x);
                int at = FirstEqual(src, g.InWidth, ya, yb, xa, xb, output[o]);
                dst[at] += gradOutput[o];
            }
        }
    }

    private static int FirstEqual(ReadOnlySpan<float> src, int width, int ya, int yb, int xa, int xb, float value)
    {
        for (int iy = ya; iy < yb; iy++)
        for (int ix = xa; ix < xb; ix++)
            if (src[iy * width + ix] == value) return iy * width + ix;
        return ya * width + xa;
    }

    private static (int Ya, int Yb, int Xa, int Xb) Window(in PoolGeometry g, int y, int x)
    {
        int y0 = y * g.Stride - g.PadTop, x0 = x * g.Stride - g.PadLeft;
        return (Math.Max(y0, 0), Math.Min(y0 + g.Kernel, g.InHeight), Math.Max(x0, 0), Math.Min(x0 + g.Kernel, g.InWidth));
    }

    /// <summary>Writes each window's mean: the 2×2 kernel or the naive loop.</summary>
    public static void AvgForward(in PoolGeometry g, bool countIncludePad, ReadOnlySpan<float> input, Span<float> output, int start, int end)
    {
        if (g.IsPlain2x2) AvgPool2x2.Forward(input, output, g.InHeight, g.InWidth, start, end);
        else AvgForwardReference(g, countIncludePad, input, output, start, end);
    }

    /// <summary>Writes each window's mean, window by window (the naive twin).</summary>
    public static void AvgForwardReference(in PoolGeometry g, bool countIncludePad, ReadOnlySpan<float> input, Span<float> output, int start, int end)
    {
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.InHeight * g.InWidth;
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            var (ya, yb, xa, xb, divisor) = AvgWindow(g, countIncludePad, y, x);
            float sum = 0f;
            for (int iy = ya; iy < yb; iy++)
            for (int ix = xa; ix < xb; ix++) sum += input[p * plane + iy * g.InWidth + ix];
            output[(p * oh + y) * ow + x] = sum / divisor;
        }
    }

    /// <summary>Overwrites <paramref name="gradInput"/>: each output gradient spread evenly over its window.</summary>
    public static void AvgBackward(in PoolGeometry g, bool countIncludePad, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int start, int end)
    {
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.InHeight * g.InWidth;
        gradInput.Slice(start * plane, (end - start) * plane).Clear();
        for (int p = start; p < end; p++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            var (ya, yb, xa, xb, divisor) = AvgWindow(g, countIncludePad, y, x);
            float share = gradOutput[(p * oh + y) * ow + x] / divisor;
            for (int iy = ya; iy < yb; iy++)
            for (int ix = xa; ix < xb; ix++) gradInput[p * plane + iy * g.InWidth + ix] += share;
        }
    }

    private static (int Ya, int Yb, int Xa, int Xb, float Divisor) AvgWindow(in PoolGeometry g, bool countIncludePad, int y, int x)
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
