using System.Numerics;
using System.Runtime.InteropServices;

namespace GenderML.Core.Ops;

/// <summary>
/// K×K max pooling with any stride and padding, separably: for each output row, the element-wise maximum of the
/// window's input rows (vectorised), then the maximum of each K-wide run of that row. Padded positions never win.
/// The naive twin is <see cref="Pooling.MaxForwardReference"/>.
/// </summary>
internal static class MaxPoolRows
{
    /// <summary>Writes each window's maximum, for planes [start, end).</summary>
    public static void Forward(in PoolGeometry g, ReadOnlySpan<float> input, Span<float> output, int start, int end)
    {
        int h = g.InHeight, w = g.InWidth, oh = g.OutHeight, ow = g.OutWidth, plane = h * w;
        float[]? rented = w > 1024 ? new float[w] : null;
        Span<float> rowMax = rented ?? stackalloc float[w];
        for (int p = start; p < end; p++)
        {
            var src = input.Slice(p * plane, plane);
            var dst = output.Slice(p * oh * ow, oh * ow);
            for (int oy = 0; oy < oh; oy++)
            {
                int y0 = Math.Max(0, oy * g.Stride - g.PadTop), y1 = Math.Min(h, oy * g.Stride - g.PadTop + g.Kernel);
                src.Slice(y0 * w, w).CopyTo(rowMax);
                for (int iy = y0 + 1; iy < y1; iy++) MaxInPlace(rowMax, src.Slice(iy * w, w));
                var o = dst.Slice(oy * ow, ow);
                for (int ox = 0; ox < ow; ox++)
                {
                    int x0 = ox * g.Stride - g.PadLeft, x1 = Math.Min(w, x0 + g.Kernel);
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
