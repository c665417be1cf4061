using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>
/// A max pool of a <see cref="ChannelBlocks"/> image, the window's maximum over its pixels inside the image (padding
/// never wins), then optionally a residual added: <c>y = max(window) + residual</c>, as <see cref="Layers.MaxPool2d"/>
/// followed by the add. Per output row, the window's rows are first reduced column by column into one row in L1,
/// then that row across; <c>Vector512.Max</c> orders ±0 and NaN alike
/// whatever the order, so the result is the plain-layout pool's.
/// </summary>
internal static unsafe class BlockedMaxPool
{
    /// <summary>Scratch slot: one row of column maxima.</summary>
    private const int RowSlot = 7;

    /// <summary>
    /// One block: <paramref name="x"/> the block's h×w plane, window <paramref name="size"/> at
    /// <paramref name="stride"/>, <paramref name="padTop"/>/<paramref name="padLeft"/> rows/columns of padding before
    /// the image; <paramref name="y"/> and <paramref name="residual"/> (or null) the block's oh×ow planes, their rows
    /// <paramref name="yRow"/> floats apart (ow·16, or more in a map stored inside a border).
    /// </summary>
    public static void Run(float* x, int h, int w, int size, int stride, int padTop, int padLeft, int oh, int ow,
        float* residual, float* y, long yRow)
    {
        const int L = ChannelBlocks.Lanes;
        float* row = NativeScratch.Get(RowSlot, (long)w * L);
        for (int oy = 0; oy < oh; oy++)
        {
            int r0 = Math.Max(0, oy * stride - padTop), r1 = Math.Min(h, oy * stride - padTop + size);
            float* first = x + (long)r0 * w * L;
            for (int c = 0; c < w; c++)
            {
                var m = Vector512.Load(first + c * L);
                for (int r = r0 + 1; r < r1; r++) m = Vector512.Max(m, Vector512.Load(x + ((long)r * w + c) * L));
                m.Store(row + c * L);
            }
            long at = oy * yRow;
            for (int ox = 0; ox < ow; ox++, at += L)
            {
                int c0 = Math.Max(0, ox * stride - padLeft), c1 = Math.Min(w, ox * stride - padLeft + size);
                var m = Vector512.Load(row + c0 * L);
                for (int c = c0 + 1; c < c1; c++) m = Vector512.Max(m, Vector512.Load(row + c * L));
                if (residual != null) m += Vector512.Load(residual + at);
                m.Store(y + at);
            }
        }
    }
}
