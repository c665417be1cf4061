using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenderML.Trees;

/// <summary>A candidate split: rows with bin ≤ <see cref="Bin"/> of <see cref="Feature"/> go left.</summary>
/// <param name="Feature">Feature index, or −1 when no split is allowed.</param>
/// <param name="Bin">Last bin that goes left.</param>
/// <param name="Gain">Loss reduction ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)].</param>
/// <param name="LeftG">Σg of the left child.</param>
/// <param name="LeftH">Σh of the left child.</param>
/// <param name="LeftCount">Rows in the left child.</param>
internal readonly record struct SplitInfo(int Feature, int Bin, double Gain, double LeftG, double LeftH, int LeftCount)
{
    public static SplitInfo None => new(-1, -1, 0, 0, 0, 0);

    public bool IsValid => Feature >= 0;
}

/// <summary>Limits a split must respect.</summary>
internal readonly record struct SplitRules(int MinExamplesPerLeaf, double MinHessianPerLeaf, double L2);

/// <summary>
/// Best split of a node from its histogram: for every feature and every bin b, the gain of sending bins ≤ b left;
/// the largest positive gain wins (ties: the lower feature, then the lower bin).
/// </summary>
internal static class SplitFinder
{
    /// <remarks>
    /// Two passes: prefix sums (Σg, Σh, count) of bins 0 … b into three arrays, then the scores
    /// G_L²/(H_L+λ) + G_R²/(H_R+λ) of eight thresholds at a time, invalid ones (too few rows or too little
    /// hessian on a side) masked out. The lowest bin among equal best scores wins.
    /// </remarks>
    [SkipLocalsInit]
    internal static SplitInfo BestOfFeature(
        ReadOnlySpan<Vector128<float>> hist, int feature, double g, double h, int count, double parentScore, SplitRules rules)
    {
        int nb = hist.Length;
        if (nb < 2) return SplitInfo.None;
        int padded = (nb + 7) & ~7;
        Span<double> gls = stackalloc double[padded];
        Span<double> hls = stackalloc double[padded];
        Span<double> cls = stackalloc double[padded];
        var acc = Vector256<double>.Zero;
        for (int b = 0; b < nb; b++)
        {
            acc += Vector256.WidenLower(hist[b].ToVector256Unsafe());
            gls[b] = acc.GetElement(0);
            hls[b] = acc.GetElement(1);
            cls[b] = acc.GetElement(2);
        }
        for (int b = nb; b < padded; b++) { gls[b] = 0; hls[b] = 0; cls[b] = 0; }

        var vg = Vector512.Create(g);
        var vh = Vector512.Create(h);
        var vc = Vector512.Create((double)count);
        var l2 = Vector512.Create(rules.L2);
        var minCount = Vector512.Create((double)rules.MinExamplesPerLeaf);
        var minHess = Vector512.Create(rules.MinHessianPerLeaf);
        var bestScore = Vector512.Create(double.NegativeInfinity);
        var bestBin = Vector512<double>.Zero;
        var bin = Vector512.Create(0.0, 1, 2, 3, 4, 5, 6, 7);
        var eight = Vector512.Create(8.0);
        ref double glRef = ref MemoryMarshal.GetReference(gls);
        ref double hlRef = ref MemoryMarshal.GetReference(hls);
        ref double clRef = ref MemoryMarshal.GetReference(cls);
        for (int b = 0; b < padded; b += 8)
        {
            var gl = Vector512.LoadUnsafe(ref glRef, (nuint)b);
            var hl = Vector512.LoadUnsafe(ref hlRef, (nuint)b);
            var cl = Vector512.LoadUnsafe(ref clRef, (nuint)b);
            var gr = vg - gl;
            var hr = vh - hl;
            var dl = hl + l2;
            var dr = hr + l2;
            var valid = Vector512.GreaterThanOrEqual(cl, minCount) & Vector512.GreaterThanOrEqual(vc - cl, minCount)
                & Vector512.GreaterThanOrEqual(hl, minHess) & Vector512.GreaterThanOrEqual(hr, minHess)
                & Vector512.GreaterThan(dl, Vector512<double>.Zero) & Vector512.GreaterThan(dr, Vector512<double>.Zero);
            var score = gl * gl / dl + gr * gr / dr;
            var better = valid & Vector512.GreaterThan(score, bestScore);
            bestScore = Vector512.ConditionalSelect(better, score, bestScore);
            bestBin = Vector512.ConditionalSelect(better, bin, bestBin);
            bin += eight;
        }
        double best = double.NegativeInfinity;
        int bestIndex = -1;
        for (int lane = 0; lane < 8; lane++)
        {
            double sc = bestScore.GetElement(lane);
            int bi = (int)bestBin.GetElement(lane);
            if (sc > best || (sc == best && bestIndex >= 0 && bi < bestIndex)) { best = sc; bestIndex = bi; }
        }
        if (bestIndex < 0 || double.IsNegativeInfinity(best)) return SplitInfo.None;
        double gain = 0.5 * (best - parentScore);
        return gain > 0 ? new SplitInfo(feature, bestIndex, gain, gls[bestIndex], hls[bestIndex], (int)cls[bestIndex]) : SplitInfo.None;
    }
}

/// <summary>Brute force: every feature and bin, sums recomputed from the rows themselves, to test <see cref="SplitFinder"/> against.</summary>
internal static class SplitFinderReference
{
    public static SplitInfo FindBest(BinnedData data, ReadOnlySpan<int> rows, ReadOnlySpan<float> g, ReadOnlySpan<float> h, SplitRules rules)
    {
        double gt = 0, ht = 0;
        foreach (int r in rows) { gt += g[r]; ht += h[r]; }
        double parent = gt * gt / (ht + rules.L2);
        var best = SplitInfo.None;
        for (int f = 0; f < data.Features; f++)
            for (int b = 0; b + 1 < data.BinCount(f); b++)
            {
                double gl = 0, hl = 0;
                int cl = 0;
                foreach (int r in rows)
                    if (data.Columns[f * data.Rows + r] <= b) { gl += g[r]; hl += h[r]; cl++; }
                double gr = gt - gl, hr = ht - hl;
                int cr = rows.Length - cl;
                if (cl < rules.MinExamplesPerLeaf || cr < rules.MinExamplesPerLeaf) continue;
                if (hl < rules.MinHessianPerLeaf || hr < rules.MinHessianPerLeaf) continue;
                double gain = 0.5 * (gl * gl / (hl + rules.L2) + gr * gr / (hr + rules.L2) - parent);
                if (gain > best.Gain) best = new SplitInfo(f, b, gain, gl, hl, cl);
            }
        return best;
    }
}
