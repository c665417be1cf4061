namespace GenderML.Core.Kernels;

/// <summary>
/// A frozen layer's convolution with the kernel rows and columns cut away that read only padding for every output pixel
/// (a 3×3 "same" convolution on a 1×1 map is its centre tap): the smaller geometry, its weights, and a
/// <see cref="PackedWeights"/> of their own. Every dropped product is <c>0·w</c>; the kernel the smaller geometry
/// runs on may add the rest in another order than the untrimmed layer's (a last-bit difference), but the choice depends
/// on the geometry alone, so an image's result does not depend on its batch.
/// </summary>
internal sealed class TrimmedTaps
{
    private float[] _weight = [];
    private ConvGeometry _shape;
    private bool _valid;

    /// <summary>The cached trimmed weights' own packed layouts.</summary>
    public PackedWeights Packed { get; } = new();

    /// <summary>Forgets the trimmed weights (the layer's weights may have changed).</summary>
    public void Invalidate()
    {
        _valid = false;
        Packed.Invalidate();
    }

    /// <summary>
    /// <paramref name="g"/> without the kernel rows and columns no output pixel reads inside the image (the pads shrink
    /// with them, so the output shape is the same), or null when every tap is read somewhere.
    /// </summary>
    public static ConvGeometry? Trim(in ConvGeometry g)
    {
        var (i0, i1) = Live(g.InHeight, g.OutHeight, g.StrideHeight, g.PadTop, g.KernelHeight);
        var (j0, j1) = Live(g.InWidth, g.OutWidth, g.StrideWidth, g.PadLeft, g.KernelWidth);
        if (i0 > i1 || j0 > j1) return null;
        int kh = i1 - i0 + 1, kw = j1 - j0 + 1;
        if (kh == g.KernelHeight && kw == g.KernelWidth) return null;
        int pb = g.PadBottom - (g.KernelHeight - 1 - i1), pr = g.PadRight - (g.KernelWidth - 1 - j1);
        if (pb < 0 || pr < 0) return null;
        return g with
        {
            KernelHeight = kh, KernelWidth = kw, PadTop = g.PadTop - i0, PadLeft = g.PadLeft - j0,
            PadBottom = pb, PadRight = pr,
        };
    }

    /// <summary>The first and last kernel offsets that some output position reads inside [0, size).</summary>
    private static (int First, int Last) Live(int size, int outSize, int stride, int pad, int kernel)
    {
        int first = kernel, last = -1;
        for (int i = 0; i < kernel; i++)
        {
            // Rows y·stride − pad + i for y in [0, outSize): does one fall inside the image?
            int lowest = -pad + i, highest = (outSize - 1) * stride - pad + i;
            if (highest < 0 || lowest >= size) continue;
            int y = lowest >= 0 ? 0 : (-lowest + stride - 1) / stride;
            if (y < outSize && y * stride + lowest < size)
            {
                first = Math.Min(first, i);
                last = i;
            }
        }
        return (first, last);
    }

    /// <summary>The weights of <paramref name="trimmed"/> (from <see cref="Trim"/>) cut from <paramref name="weight"/>
    /// (shaped for <paramref name="g"/>), copied on first use after <see cref="Invalidate"/>.</summary>
    public float[] Weights(ReadOnlySpan<float> weight, in ConvGeometry g, in ConvGeometry trimmed)
    {
        if (_valid && _shape == trimmed with { Batch = 0 }) return _weight;
        int i0 = g.PadTop - trimmed.PadTop, j0 = g.PadLeft - trimmed.PadLeft;
        int kh = trimmed.KernelHeight, kw = trimmed.KernelWidth, cpg = g.InChannelsPerGroup;
        if (_weight.Length != trimmed.WeightLength) _weight = new float[trimmed.WeightLength];
        int at = 0;
        for (int o = 0; o < g.OutChannels; o++)
        for (int c = 0; c < cpg; c++)
        for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++)
            _weight[at++] = weight[((o * cpg + c) * g.KernelHeight + i0 + i) * g.KernelWidth + j0 + j];
        (_shape, _valid) = (trimmed with { Batch = 0 }, true);
        return _weight;
    }
}
