using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenderML.Trees;

/// <summary>
/// Gradient histograms: entry <c>hist[Offsets[f] + b]</c> holds (Σg, Σh, count, 0) over a node's rows whose
/// feature f falls in bin b.
/// </summary>
/// <remarks>
/// Work is split by feature into chunks of <see cref="ChunkSize"/> features, a partition fixed by the data,
/// not the thread count. Each feature's sums are accumulated by one thread in row order, so the histogram is
/// bit-identical on any number of threads. Sums are single precision, like LightGBM's GPU histograms.
/// </remarks>
internal static class Histogram
{
    /// <summary>
    /// Features per parallel work item: a multiple of 4 (the kernel's group), about 1/16 of the features,
    /// between 4 and 32 — so 128 embedding columns still make 16 work items. Depends on the data only.
    /// </summary>
    public static int ChunkSize(int features) => Math.Clamp((features / 16 + 3) & ~3, 4, 32);

    /// <summary>Packs a row's gradient and hessian as one histogram increment (g, h, 1, 0).</summary>
    public static Vector128<float> Entry(float g, float h) => Vector128.Create(g, h, 1f, 0f);

    /// <summary>
    /// Histograms of <paramref name="features"/> over rows <c>rows[start .. start+count)</c>, whose increments
    /// are <c>ordered[0 .. count)</c> in the same order. <paramref name="allRows"/> says the rows are exactly
    /// 0 … Rows − 1, so the row indirection can be skipped.
    /// </summary>
    public static void Build(
        BinnedData data, int[] rows, int start, int count, bool allRows, Vector128<float>[] ordered,
        int[] features, Vector128<float>[] hist, ParallelOptions po)
    {
        int size = ChunkSize(features.Length);
        int chunks = (features.Length + size - 1) / size;
        Parallel.For(0, chunks, po, c =>
        {
            int end = Math.Min(features.Length, (c + 1) * size);
            for (int k = c * size; k < end; k += 4)
                BuildGroup(data, rows, start, count, allRows, ordered, features, k, Math.Min(4, end - k), hist);
        });
    }

    /// <summary>Histograms of the <paramref name="size"/> (1 to 4) features <c>features[k ..]</c>, as <see cref="Build"/>.</summary>
    public static void BuildGroup(
        BinnedData data, int[] rows, int start, int count, bool allRows, Vector128<float>[] ordered,
        int[] features, int k, int size, Vector128<float>[] hist)
    {
        var gh = ordered.AsSpan(0, count);
        var rowSpan = rows.AsSpan(start, count);
        if (size == 4)
        {
            int f0 = features[k], f1 = features[k + 1], f2 = features[k + 2], f3 = features[k + 3];
            var h0 = Clear(data, hist, f0);
            var h1 = Clear(data, hist, f1);
            var h2 = Clear(data, hist, f2);
            var h3 = Clear(data, hist, f3);
            if (allRows) AccumulateAll4(data.Column(f0), data.Column(f1), data.Column(f2), data.Column(f3), gh, h0, h1, h2, h3);
            else AccumulateRows4(data.Column(f0), data.Column(f1), data.Column(f2), data.Column(f3), rowSpan, gh, h0, h1, h2, h3);
            return;
        }
        for (int j = k; j < k + size; j++)
        {
            int f = features[j];
            var h = Clear(data, hist, f);
            if (allRows) AccumulateAll(data.Column(f), gh, h);
            else AccumulateRows(data.Column(f), rowSpan, gh, h);
        }
    }

    private static Span<Vector128<float>> Clear(BinnedData data, Vector128<float>[] hist, int feature)
    {
        var h = hist.AsSpan(data.Offsets[feature], data.BinCount(feature));
        h.Clear();
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateAll4(
        ReadOnlySpan<byte> c0, ReadOnlySpan<byte> c1, ReadOnlySpan<byte> c2, ReadOnlySpan<byte> c3, ReadOnlySpan<Vector128<float>> gh,
        Span<Vector128<float>> h0, Span<Vector128<float>> h1, Span<Vector128<float>> h2, Span<Vector128<float>> h3)
    {
        ref byte b0 = ref MemoryMarshal.GetReference(c0), b1 = ref MemoryMarshal.GetReference(c1);
        ref byte b2 = ref MemoryMarshal.GetReference(c2), b3 = ref MemoryMarshal.GetReference(c3);
        ref Vector128<float> g = ref MemoryMarshal.GetReference(gh);
        ref Vector128<float> r0 = ref MemoryMarshal.GetReference(h0), r1 = ref MemoryMarshal.GetReference(h1);
        ref Vector128<float> r2 = ref MemoryMarshal.GetReference(h2), r3 = ref MemoryMarshal.GetReference(h3);
        for (int i = 0; i < gh.Length; i++)
        {
            var v = Unsafe.Add(ref g, i);
            Unsafe.Add(ref r0, Unsafe.Add(ref b0, i)) += v;
            Unsafe.Add(ref r1, Unsafe.Add(ref b1, i)) += v;
            Unsafe.Add(ref r2, Unsafe.Add(ref b2, i)) += v;
            Unsafe.Add(ref r3, Unsafe.Add(ref b3, i)) += v;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateRows4(
        ReadOnlySpan<byte> c0, ReadOnlySpan<byte> c1, ReadOnlySpan<byte> c2, ReadOnlySpan<byte> c3, ReadOnlySpan<int> rows,
        ReadOnlySpan<Vector128<float>> gh,
        Span<Vector128<float>> h0, Span<Vector128<float>> h1, Span<Vector128<float>> h2, Span<Vector128<float>> h3)
    {
        ref byte b0 = ref MemoryMarshal.GetReference(c0), b1 = ref MemoryMarshal.GetReference(c1);
        ref byte b2 = ref MemoryMarshal.GetReference(c2), b3 = ref MemoryMarshal.GetReference(c3);
        ref int rr = ref MemoryMarshal.GetReference(rows);
        ref Vector128<float> g = ref MemoryMarshal.GetReference(gh);
        ref Vector128<float> r0 = ref MemoryMarshal.GetReference(h0), r1 = ref MemoryMarshal.GetReference(h1);
        ref Vector128<float> r2 = ref MemoryMarshal.GetReference(h2), r3 = ref MemoryMarshal.GetReference(h3);
        for (int i = 0; i < gh.Length; i++)
        {
            var v = Unsafe.Add(ref g, i);
            nint r = Unsafe.Add(ref rr, i);
            Unsafe.Add(ref r0, Unsafe.Add(ref b0, r)) += v;
            Unsafe.Add(ref r1, Unsafe.Add(ref b1, r)) += v;
            Unsafe.Add(ref r2, Unsafe.Add(ref b2, r)) += v;
            Unsafe.Add(ref r3, Unsafe.Add(ref b3, r)) += v;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateAll(ReadOnlySpan<byte> col, ReadOnlySpan<Vector128<float>> gh, Span<Vector128<float>> hist)
    {
        ref byte c = ref MemoryMarshal.GetReference(col);
        ref Vector128<float> g = ref MemoryMarshal.GetReference(gh);
        ref Vector128<float> h = ref MemoryMarshal.GetReference(hist);
        int n = gh.Length, i = 0;
        for (; i + 1 < n; i += 2)
        {
            ref var a = ref Unsafe.Add(ref h, Unsafe.Add(ref c, i));
            a += Unsafe.Add(ref g, i);
            ref var b = ref Unsafe.Add(ref h, Unsafe.Add(ref c, i + 1));
            b += Unsafe.Add(ref g, i + 1);
        }
        for (; i < n; i++) Unsafe.Add(ref h, Unsafe.Add(ref c, i)) += Unsafe.Add(ref g, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateRows(ReadOnlySpan<byte> col, ReadOnlySpan<int> rows, ReadOnlySpan<Vector128<float>> gh, Span<Vector128<float>> hist)
    {
        ref byte c = ref MemoryMarshal.GetReference(col);
        ref int r = ref MemoryMarshal.GetReference(rows);
        ref Vector128<float> g = ref MemoryMarshal.GetReference(gh);
        ref Vector128<float> h = ref MemoryMarshal.GetReference(hist);
        int n = gh.Length, i = 0;
        for (; i + 1 < n; i += 2)
        {
            ref var a = ref Unsafe.Add(ref h, Unsafe.Add(ref c, Unsafe.Add(ref r, i)));
            a += Unsafe.Add(ref g, i);
            ref var b = ref Unsafe.Add(ref h, Unsafe.Add(ref c, Unsafe.Add(ref r, i + 1)));
            b += Unsafe.Add(ref g, i + 1);
        }
        for (; i < n; i++) Unsafe.Add(ref h, Unsafe.Add(ref c, Unsafe.Add(ref r, i))) += Unsafe.Add(ref g, i);
    }

    /// <summary><c>target[j] = parent[j] − child[j]</c> over the bins of one feature (histogram subtraction).</summary>
    public static void Subtract(BinnedData data, int feature, Vector128<float>[] parent, Vector128<float>[] child, Vector128<float>[] target)
    {
        int o = data.Offsets[feature], nb = data.BinCount(feature);
        var p = parent.AsSpan(o, nb);
        var c = child.AsSpan(o, nb);
        var t = target.AsSpan(o, nb);
        for (int j = 0; j < t.Length; j++) t[j] = p[j] - c[j];
    }
}

/// <summary>The naive histogram: one pass over rows and features with no tricks, to test <see cref="Histogram"/> against.</summary>
internal static class HistogramReference
{
    public static double[,,] Build(BinnedData data, ReadOnlySpan<int> rows, ReadOnlySpan<float> g, ReadOnlySpan<float> h)
    {
        int maxBins = 0;
        for (int f = 0; f < data.Features; f++) maxBins = Math.Max(maxBins, data.BinCount(f));
        var result = new double[data.Features, maxBins, 3];
        foreach (int r in rows)
            for (int f = 0; f < data.Features; f++)
            {
                int b = data.Columns[f * data.Rows + r];
                result[f, b, 0] += g[r];
                result[f, b, 1] += h[r];
                result[f, b, 2] += 1;
            }
        return result;
    }
}
