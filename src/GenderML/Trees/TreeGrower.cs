using System.Runtime.Intrinsics;

namespace GenderML.Trees;

/// <summary>
/// Grows one regression tree on gradients best-first: the open leaf with the largest gain splits next, until
/// the leaf budget is spent or no split gains. Each split builds the histogram of the smaller child only; the
/// larger child's is the parent's minus it.
/// </summary>
internal sealed class TreeGrower
{
    private readonly BinnedData _data;
    private readonly int _maxLeaves;
    private readonly SplitRules _rules;
    private readonly double _learningRate;
    private readonly ParallelOptions _po;
    private readonly int[] _rows;
    private readonly int[] _scratch;
    private readonly Vector128<float>[] _ordered;
    private readonly Stack<Vector128<float>[]> _free = new();

    public TreeGrower(BinnedData data, GradientBoostingOptions options)
    {
        _data = data;
        _maxLeaves = options.Leaves;
        _rules = new SplitRules(options.MinExamplesPerLeaf, options.MinHessianPerLeaf, options.L2);
        _learningRate = options.LearningRate;
        _po = new ParallelOptions { MaxDegreeOfParallelism = options.Compute.Threads };
        _rows = new int[data.Rows];
        _scratch = new int[data.Rows];
        _ordered = new Vector128<float>[data.Rows];
    }

    private sealed class Leaf(int start, int count, double g, double h)
    {
        public int Start = start, Count = count;
        public double G = g, H = h;
        public Vector128<float>[]? Hist;
        public SplitInfo Split = SplitInfo.None;
    }

    /// <summary>
    /// A tree fitted to gradients <paramref name="g"/> and hessians <paramref name="h"/> over <paramref name="sample"/>
    /// (null: every row), splitting only on <paramref name="features"/>; adds each split's gain to <paramref name="importance"/>.
    /// </summary>
    public RegressionTree Grow(float[] g, float[] h, int[]? sample, int[] features, double[] importance, CancellationToken ct)
    {
        int n = sample?.Length ?? _data.Rows;
        if (sample is null) for (int i = 0; i < n; i++) _rows[i] = i;
        else sample.CopyTo(_rows, 0);
        double gt = 0, ht = 0;
        for (int i = 0; i < n; i++) { gt += g[_rows[i]]; ht += h[_rows[i]]; }

        var root = new Leaf(0, n, gt, ht);
        var leaves = new List<Leaf> { root };
        var nodeFeature = new List<int>();
        var nodeBin = new List<byte>();
        var nodeLeft = new List<int>();
        var nodeRight = new List<int>();
        var leafParent = new List<int> { -1 }; // internal node that points at leaf i (−1: the root)

        if (CanSplit(root))
        {
            root.Hist = Rent();
            Gather(root, g, h);
            root.Split = NodeSearch.Root(_data, _rows, sample is null, _ordered, features, View(root), _rules, _po);
        }
        while (leaves.Count < _maxLeaves)
        {
            ct.ThrowIfCancellationRequested();
            int li = -1;
            for (int i = 0; i < leaves.Count; i++)
                if (leaves[i].Split.IsValid && (li < 0 || leaves[i].Split.Gain > leaves[li].Split.Gain)) li = i;
            if (li < 0) break;

            var parent = leaves[li];
            var s = parent.Split;
            int leftCount = Partition(parent, s.Feature, s.Bin);
            var left = new Leaf(parent.Start, leftCount, s.LeftG, s.LeftH);
            var right = new Leaf(parent.Start + leftCount, parent.Count - leftCount, parent.G - s.LeftG, parent.H - s.LeftH);
            importance[s.Feature] += s.Gain;

            int node = nodeFeature.Count;
            nodeFeature.Add(s.Feature);
            nodeBin.Add((byte)s.Bin);
            nodeLeft.Add(~li);
            nodeRight.Add(~leaves.Count);
            int up = leafParent[li];
            if (up >= 0)
            {
                if (nodeLeft[up] == ~li) nodeLeft[up] = node;
                else nodeRight[up] = node;
            }
            leafParent[li] = node;
            leafParent.Add(node);
            leaves[li] = left;
            leaves.Add(right);

            bool more = leaves.Count < _maxLeaves;
            bool splitLeft = more && CanSplit(left), splitRight = more && CanSplit(right);
            if (splitLeft || splitRight)
            {
                var (small, large) = left.Count <= right.Count ? (left, right) : (right, left);
                small.Hist = Rent();
                large.Hist = parent.Hist;
                Gather(small, g, h);
                bool findLeft = splitLeft, findRight = splitRight;
                var (ss, sl) = NodeSearch.Children(
                    _data, _rows, _ordered, features, View(small), View(large),
                    small == left ? findLeft : findRight, large == left ? findLeft : findRight, _rules, _po);
                small.Split = ss;
                large.Split = sl;
                if (!splitLeft) Return(left);
                if (!splitRight) Return(right);
            }
            else
            {
                Return(parent);
            }
            parent.Hist = null;
        }
        foreach (var leaf in leaves) Return(leaf);

        var values = new float[leaves.Count];
        for (int i = 0; i < values.Length; i++)
        {
            double denominator = leaves[i].H + _rules.L2;
            values[i] = denominator > 0 ? (float)(-leaves[i].G / denominator * _learningRate) : 0f;
        }
        return new RegressionTree(
            [.. nodeFeature], [.. nodeBin], new float[nodeFeature.Count], [.. nodeLeft], [.. nodeRight], values);
    }

    private bool CanSplit(Leaf leaf)
        => leaf.Count >= 2 * _rules.MinExamplesPerLeaf && leaf.H >= 2 * _rules.MinHessianPerLeaf;

    /// <summary>Packs the leaf's gradients in row order: <c>_ordered[i] = (g, h, 1, 0)</c> of its i-th row.</summary>
    private void Gather(Leaf leaf, float[] g, float[] h)
    {
        for (int i = 0; i < leaf.Count; i++)
        {
            int r = _rows[leaf.Start + i];
            _ordered[i] = Histogram.Entry(g[r], h[r]);
        }
    }

    private static NodeView View(Leaf leaf) => new(leaf.Start, leaf.Count, leaf.G, leaf.H, leaf.Hist!);

    /// <summary>Stable in-place partition of the leaf's rows: bin ≤ <paramref name="bin"/> first. Returns the left count.</summary>
    private int Partition(Leaf leaf, int feature, int bin)
    {
        var col = _data.Column(feature);
        int w = leaf.Start, rc = 0, end = leaf.Start + leaf.Count;
        for (int i = leaf.Start; i < end; i++)
        {
            int r = _rows[i];
            if (col[r] <= bin) _rows[w++] = r;
            else _scratch[rc++] = r;
        }
        Array.Copy(_scratch, 0, _rows, w, rc);
        return w - leaf.Start;
    }

    private Vector128<float>[] Rent() => _free.Count > 0 ? _free.Pop() : new Vector128<float>[_data.TotalBins];

    private void Return(Leaf leaf)
    {
        if (leaf.Hist is { } hist) _free.Push(hist);
        leaf.Hist = null;
    }
}
