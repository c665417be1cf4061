using GenderML.Trees;

namespace GenderML.Onnx.Graph;

/// <summary>
/// Gradient-boosted trees as ONNX-ML's <c>TreeEnsembleRegressor</c>: <c>base + Σ trees</c>, each split
/// <c>x[f] ≤ threshold</c> to the left (<c>BRANCH_LEQ</c>), as <see cref="RegressionTree.Predict(ReadOnlySpan{float})"/>.
/// </summary>
/// <remarks>Spec: https://onnx.ai/onnx/operators/onnx_aionnxml_TreeEnsembleRegressor.html</remarks>
internal static class TreeWriter
{
    /// <summary>The raw score (log-odds) N×1 of <paramref name="trees"/> on the N×F value <paramref name="x"/>.</summary>
    public static OnnxValue Write(OnnxGraph g, GradientBoostedTrees trees, OnnxValue x)
    {
        x = g.Flatten(x);
        if (x.Shape[1] != trees.FeatureCount)
            throw new InvalidOperationException($"the trees read {trees.FeatureCount} features, the graph has {x.Shape[1]}");
        var treeIds = new List<int>();
        var nodeIds = new List<int>();
        var features = new List<int>();
        var values = new List<float>();
        var modes = new List<string>();
        var trueIds = new List<int>();
        var falseIds = new List<int>();
        var targetTrees = new List<int>();
        var targetNodes = new List<int>();
        var weights = new List<float>();
        for (int t = 0; t < trees.Trees.Count; t++)
        {
            var tree = trees.Trees[t];
            int splits = tree.Feature.Length;
            // Splits keep their index; leaf j becomes node splits + j.
            int Id(int child) => child < 0 ? splits + ~child : child;
            for (int k = 0; k < splits; k++)
            {
                treeIds.Add(t); nodeIds.Add(k); features.Add(tree.Feature[k]); values.Add(tree.Threshold[k]);
                modes.Add("BRANCH_LEQ"); trueIds.Add(Id(tree.Left[k])); falseIds.Add(Id(tree.Right[k]));
            }
            for (int j = 0; j < tree.Leaves; j++)
            {
                treeIds.Add(t); nodeIds.Add(splits + j); features.Add(0); values.Add(0); modes.Add("LEAF");
                trueIds.Add(0); falseIds.Add(0);
                targetTrees.Add(t); targetNodes.Add(splits + j); weights.Add(tree.LeafValue[j]);
            }
        }
        return g.MlNode("TreeEnsembleRegressor", [x.Name], [-1, 1],
            ("n_targets", 1), ("aggregate_function", "SUM"), ("base_values", new[] { (float)trees.BaseScore }),
            ("nodes_treeids", treeIds.ToArray()), ("nodes_nodeids", nodeIds.ToArray()),
            ("nodes_featureids", features.ToArray()), ("nodes_values", values.ToArray()), ("nodes_modes", modes.ToArray()),
            ("nodes_truenodeids", trueIds.ToArray()), ("nodes_falsenodeids", falseIds.ToArray()),
            ("target_treeids", targetTrees.ToArray()), ("target_nodeids", targetNodes.ToArray()),
            ("target_ids", new int[targetTrees.Count]), ("target_weights", weights.ToArray()));
    }
}
