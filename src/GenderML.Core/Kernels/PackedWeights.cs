using System.Runtime.InteropServices;

namespace GenderML.Core.Kernels;

/// <summary>
/// A layer's weights packed once into the layouts its forward kernels read — a convolution's GEMM A slivers (every
/// group, every K block), its transposed GEMM's or a dense layer's B slivers, the direct and pointwise kernels'
/// slivers, the Winograd kernels' transformed weights (F(2×2, 3×3) in both layouts, F(4×4, 3×3)) — instead of on
/// every call. The owner (a frozen layer in evaluation mode, see <see cref="ForFrozen"/>) invalidates it whenever the
/// weights may have changed (nothing is compared per call); the kernels pack on first use after that. The packed values are the ones the kernels would
/// pack themselves, so results do not change — except through <see cref="Trimmed"/>, whose smaller convolution may add
/// the same terms in another order (a last-bit difference from the trainable layer).
/// </summary>
/// <remarks>Packing happens on the calling thread before any worker runs; workers only read.</remarks>
internal sealed unsafe class PackedWeights
{
    private float* _gemm;
    private long _gemmCapacity;
    private GemmBlocking _gemmBlocking;
    private ConvGeometry _gemmShape;
    private bool _gemmValid;

    private float* _transposed;
    private long _transposedCapacity;
    private GemmBlocking _transposedBlocking;
    private ConvGeometry _transposedShape;
    private bool _transposedValid;

    private float* _direct;
    private long _directCapacity;
    private int _directMr;
    private ConvGeometry _directShape;
    private bool _directValid;

    private readonly Slot _winograd = new(), _winogradTransposed = new(), _winogradF4 = new(), _smallMap = new();

    private TrimmedTaps? _trimmed;

    /// <summary>The layer's weights without the taps that read only padding (<see cref="TrimmedTaps"/>), made on first use.</summary>
    public TrimmedTaps Trimmed => _trimmed ??= new();

    /// <summary>
    /// The packed copy a layer may use for <paramref name="weight"/>: null unless the layer is in evaluation mode and
    /// the weight is frozen; invalidated when the weight's <see cref="Parameter.Trainable"/> was set since it was packed.
    /// </summary>
    public static PackedWeights? ForFrozen(ref PackedWeights? packed, ref int version, bool training, Parameter weight)
    {
        if (training || weight.Trainable) return null;
        if (packed is null || version != weight.Version)
        {
            (packed ??= new()).Invalidate();
            version = weight.Version;
        }
        return packed;
    }

    /// <summary>Forgets the packed copies; the next call packs the weights again.</summary>
    public void Invalidate()
    {
        _gemmValid = _transposedValid = _directValid = false;
        _winograd.Valid = _winogradTransposed.Valid = _winogradF4.Valid = _smallMap.Valid = false;
        _trimmed?.Invalidate();
    }

    /// <summary>
    /// The weights packed as <see cref="GemmDriver"/>'s A for <paramref name="blocking"/>: group gi's OC/G × K matrix
    /// starts at <c>gi·RoundUp(OC/G, MR)·K</c>; within it K block p0 (of KC) starts at <c>p0·RoundUp(OC/G, MR)</c> and
    /// holds slivers of MR rows, row r's sliver at <c>r·kc</c>, as <see cref="GemmPacking.PackA"/> writes them.
    /// </summary>
    public float* Gemm(float* weight, in ConvGeometry g, in GemmBlocking blocking)
    {
        if (_gemmValid && _gemmBlocking == blocking && SameWeights(_gemmShape, g)) return _gemm;
        int opg = g.OutChannelsPerGroup, k = g.InChannelsPerGroup * g.KernelHeight * g.KernelWidth;
        long mPadded = (opg + blocking.MR - 1) / blocking.MR * blocking.MR, perGroup = mPadded * k;
        _gemm = Ensure(_gemm, ref _gemmCapacity, perGroup * g.Groups);
        for (int gi = 0; gi < g.Groups; gi++)
        {
            float* w = weight + (long)gi * opg * k, dst = _gemm + gi * perGroup;
            for (int p0 = 0; p0 < k; p0 += blocking.KC)
                GemmPacking.PackA(false, w, k, 0, opg, p0, Math.Min(blocking.KC, k - p0), blocking.MR, dst + p0 * mPadded);
        }
        (_gemmBlocking, _gemmShape, _gemmValid) = (blocking, g, true);
        return _gemm;
    }

    /// <summary>
    /// The transposed weights packed as <see cref="GemmDriver"/>'s B for <paramref name="blocking"/> (the GEMM that
    /// computes the output transposed, pixels × channels): group gi's K × OC/G matrix Wᵀ starts at
    /// <c>gi·K·RoundUp(OC/G, NR)</c>; within it K block p0 starts at <c>p0·RoundUp(OC/G, NR)</c> and holds slivers of
    /// NR columns, column j's sliver at <c>j·kc</c>, as <see cref="GemmPacking.PackBSliver"/> writes them.
    /// </summary>
    public float* GemmTransposed(float* weight, in ConvGeometry g, in GemmBlocking blocking)
    {
        if (_transposedValid && _transposedBlocking == blocking && SameWeights(_transposedShape, g)) return _transposed;
        _transposed = Ensure(_transposed, ref _transposedCapacity, g.Groups * TransposedGroupLength(g, blocking));
        int opg = g.OutChannelsPerGroup, k = g.InChannelsPerGroup * g.KernelHeight * g.KernelWidth, nr = blocking.NR;
        long nPadded = (opg + nr - 1) / nr * nr;
        for (int gi = 0; gi < g.Groups; gi++)
        {
            float* w = weight + (long)gi * opg * k, dst = _transposed + gi * TransposedGroupLength(g, blocking);
            for (int p0 = 0; p0 < k; p0 += blocking.KC)
            {
                int kc = Math.Min(blocking.KC, k - p0);
                for (int j = 0; j < opg; j += nr)
                    GemmPacking.PackBSliver(true, w, k, p0, kc, j, Math.Min(nr, opg - j), nr, dst + p0 * nPadded + (long)j * kc);
            }
        }
        (_transposedBlocking, _transposedShape, _transposedValid) = (blocking, g, true);
        return _transposed;
    }

    /// <summary>What <see cref="Gemm"/> packed for these weights and blocking, or null if it has not (reads only).</summary>
    public float* PackedGemm(in ConvGeometry g, in GemmBlocking blocking) =>
        _gemmValid && _gemmBlocking == blocking && SameWeights(_gemmShape, g) ? _gemm : null;

    /// <summary>What <see cref="GemmTransposed(float*, in ConvGeometry, in GemmBlocking)"/> packed for these weights and blocking, or null if it has not (reads only).</summary>
    public float* PackedGemmTransposed(in ConvGeometry g, in GemmBlocking blocking) =>
        _transposedValid && _transposedBlocking == blocking && SameWeights(_transposedShape, g) ? _transposed : null;

    /// <summary>
    /// A dense layer's weights W (<paramref name="rows"/> × <paramref name="k"/>, row-major) packed as the B = Wᵀ of
    /// <c>y = x·Wᵀ</c>, laid out as <see cref="GemmTransposed(float*, in ConvGeometry, in GemmBlocking)"/> lays out one group.
    /// </summary>
    public float* GemmTransposed(float* weight, int rows, int k, in GemmBlocking blocking) =>
        GemmTransposed(weight, new ConvGeometry(1, k, 1, 1, rows, 1, 1, 1, 1, 0, 0, 0, 0), blocking);

    /// <summary>Floats per group of <see cref="GemmTransposed(float*, in ConvGeometry, in GemmBlocking)"/>.</summary>
    public static long TransposedGroupLength(in ConvGeometry g, in GemmBlocking blocking) =>
        (long)g.InChannelsPerGroup * g.KernelHeight * g.KernelWidth * ((g.OutChannelsPerGroup + blocking.NR - 1) / blocking.NR * blocking.NR);

    /// <summary>The weights packed as <see cref="DirectConvolution"/>'s slivers of <paramref name="mr"/> output channels.</summary>
    public float* Direct(float* weight, in ConvGeometry g, int mr)
    {
        if (_directValid && _directMr == mr && SameWeights(_directShape, g)) return _direct;
        int k = g.InChannels * g.KernelHeight * g.KernelWidth;
        long mPadded = (g.OutChannels + mr - 1) / mr * mr;
        _direct = Ensure(_direct, ref _directCapacity, mPadded * k);
        DirectConvolution.PackWeights(weight, g.OutChannels, k, mr, _direct);
        (_directMr, _directShape, _directValid) = (mr, g, true);
        return _direct;
    }

    /// <summary>
    /// The 3×3 weights (OC×C×3×3) in Winograd form as <see cref="WinogradTransforms.TransformWeights"/> writes them for
    /// slivers of <paramref name="block"/> rows: <paramref name="block"/> = MR for the usual GEMM (U·V), or OC rounded
    /// up to NR for the transposed one (Vᵀ·Uᵀ: point ξ's C×OC matrix, channels contiguous). The two layouts are kept
    /// apart, since one layer may run both (a batch, then a single image).
    /// </summary>
    public float* Winograd(float* weight, in ConvGeometry g, int block, bool transposed) =>
        Transformed(transposed ? _winogradTransposed : _winograd, weight, g, block, WinogradTransforms.Points);

    /// <summary>The 3×3 weights (OC×C×3×3) in F(4×4, 3×3) Winograd form as
    /// <see cref="WinogradF4Transforms.TransformWeights"/> writes them for slivers of <paramref name="mr"/> rows.</summary>
    public float* WinogradF4(float* weight, in ConvGeometry g, int mr) =>
        Transformed(_winogradF4, weight, g, mr, WinogradF4Transforms.Points);

    /// <summary><paramref name="slot"/>, holding the weights transformed for the Winograd variant with
    /// <paramref name="points"/> points (16: F(2×2, 3×3), 36: F(4×4, 3×3)), in slivers of <paramref name="block"/>
    /// rows; transformed now if it is not current.</summary>
    private static float* Transformed(Slot slot, float* weight, in ConvGeometry g, int block, int points)
    {
        if (slot.Valid && slot.Block == block && SameWeights(slot.Shape, g)) return slot.Data;
        long length = (long)points * ((g.OutChannels + block - 1) / block * block) * g.InChannels;
        slot.Data = Ensure(slot.Data, ref slot.Capacity, length);
        if (points == WinogradF4Transforms.Points)
            WinogradF4Transforms.TransformWeights(weight, g.OutChannels, g.InChannels, block, slot.Data);
        else WinogradTransforms.TransformWeights(weight, g.OutChannels, g.InChannels, block, slot.Data);
        (slot.Block, slot.Shape, slot.Valid) = (block, g, true);
        return slot.Data;
    }

    /// <summary>
    /// The weights as <see cref="SmallMapConvolution"/> reads them: slivers of <paramref name="block"/> output channels
    /// (OC a multiple of it), each the whole K × <paramref name="block"/> matrix, row k holding
    /// <c>w[s·block + v, k]</c> for v &lt; <paramref name="block"/> — one stream in the kernel's order.
    /// </summary>
    public float* ChannelSlivers(float* weight, in ConvGeometry g, int block)
    {
        var slot = _smallMap;
        if (slot.Valid && slot.Block == block && SameWeights(slot.Shape, g)) return slot.Data;
        int oc = g.OutChannels, k = g.InChannelsPerGroup * g.KernelHeight * g.KernelWidth;
        slot.Data = Ensure(slot.Data, ref slot.Capacity, (long)oc * k);
        for (int o = 0; o < oc; o++)
        {
            float* src = weight + (long)o * k, dst = slot.Data + (long)(o / block) * k * block + o % block;
            for (int p = 0; p < k; p++) dst[(long)p * block] = src[p];
        }
        (slot.Block, slot.Shape, slot.Valid) = (block, g, true);
        return slot.Data;
    }

    /// <summary>Whether two geometries have the same weight tensor shape (batch and image size do not matter).</summary>
    private static bool SameWeights(in ConvGeometry a, in ConvGeometry b) =>
        a.OutChannels == b.OutChannels && a.InChannels == b.InChannels && a.Groups == b.Groups
        && a.KernelHeight == b.KernelHeight && a.KernelWidth == b.KernelWidth;

    private static float* Ensure(float* buffer, ref long capacity, long floats)
    {
        if (capacity >= floats) return buffer;
        if (buffer != null) NativeMemory.AlignedFree(buffer);
        capacity = floats;
        return (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
    }

    ~PackedWeights()
    {
        if (_gemm != null) NativeMemory.AlignedFree(_gemm);
        if (_transposed != null) NativeMemory.AlignedFree(_transposed);
        if (_direct != null) NativeMemory.AlignedFree(_direct);
        foreach (var slot in new[] { _winograd, _winogradTransposed, _winogradF4, _smallMap })
            if (slot.Data != null) NativeMemory.AlignedFree(slot.Data);
    }

    /// <summary>One packed layout: its buffer, what it was packed for, and whether it is current.</summary>
    private sealed class Slot
    {
        public float* Data;
        public long Capacity;
        public int Block;
        public ConvGeometry Shape;
        public bool Valid;
    }
}
