using System.Numerics;
using System.Runtime.InteropServices;

namespace GenderML.Core.Ops;

/// <summary>
/// K×K max pooling with any stride and padding, separably: for each output row, the element-wise maximum of the
/// window's input rows (vectorised), then the maximum of every K-wide run of that row at full resolution (vectorised,
/// K − 1 shifted maxima), of which each window inside the row picks its own; windows over the padding take the
/// maximum of their inside part. Padded positions never win.
/// The naive twin is <see cref="Pooling.MaxForwardReference"/>.
/// </summary>
internal static class MaxPoolRows
{
    /// <summary>Writes each window's maximum, for planes [start, end).</summary>
    public static void Forward(in PoolGeometry g, ReadOnlySpan<float> input, Span<float> output, int start, int end)
    {
        int h = g.InHeight, w = g.InWidth, oh = g.OutHeight, ow = g.OutWidth, plane = h * w;
        float[]? rented = w > 1024 ? new float[2 * w] : null;
        Span<float> both = rented ?? stackalloc float[2 * w];
        Span<float> rowMax = both[..w], run = both[w..];
        int runs = w - g.Kernel + 1;
        for (int p = start; p < end; p++)
        {
            var src = input.Slice(p * plane, plane);
            var dst = output.Slice(p * oh * ow, oh * ow);
            for (int oy = 0; oy < oh; oy++)
            {
                int y0 = Math.Max(0, oy * g.Stride - g.PadTop), y1 = Math.Min(h, oy * g.Stride - g.PadTop + g.Kernel);
                src.Slice(y0 * w, w).CopyTo(rowMax);
                for (int iy = y0 + 1; iy < y1; iy++) MaxInPlace(rowMax, src.Slice(iy * w, w));
                // run[i] = max(rowMax[i .. i + K)) for every window start inside the row.
                if (runs > 0)
                {
                    rowMax[..runs].CopyTo(run);
                    for (int j = 1; j < g.Kernel; j++) MaxInPlace(run[..runs], rowMax.Slice(j, runs));
                }
                var o = dst.Slice(oy * ow, ow);
                for (int ox = 0; ox < ow; ox++)
                {
                    int x0 = ox * g.Stride - g.PadLeft, x1 = Math.Min(w, x0 + g.Kernel);
                    if (x0 >= 0 && x0 < runs)
                    {
                        o[ox] = run[x0];
                        continue;
                    }
                    float m = float.NegativeInfinity;
                    for (int ix = Math.Max(0, x0); ix < x1; ix++) m = MathF.Max(m, rowMax[ix]);
                    o[ox] = m;
                }
            }
        }
    }

    /// <summary><c>a[i] = max(a[i], b[i])</c>.</summary>
    private static void MaxInPlace(Span<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (int i = 0; i < va.Length; i++) va[i] = Vector.Max(va[i], vb[i]);
        for (int i = va.Length * Vector<float>.Count; i < a.Length; i++) a[i] = MathF.Max(a[i], b[i]);
    }
}
