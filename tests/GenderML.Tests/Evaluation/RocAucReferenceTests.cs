using GenderML.Evaluation;

namespace GenderML.Tests.Evaluation;

/// <summary>The sort-based ROC AUC against the naive pair count (Mann–Whitney U), ties counting half.</summary>
public sealed class RocAucReferenceTests
{
    [Theory]
    [InlineData(1, 2, 10)]
    [InlineData(2, 17, 3)]
    [InlineData(3, 100, 5)]
    [InlineData(4, 257, 1000)]
    [InlineData(5, 64, 2)]
    public void Auc_equals_the_fraction_of_correctly_ordered_pairs(int seed, int n, int levels)
    {
        var rng = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(i => i < 2 ? i : rng.Next(2)).ToArray();
        var scores = Enumerable.Range(0, n).Select(_ => (double)rng.Next(levels + 1) / levels).ToArray();
        double pairs = 0, good = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs++;
                    good += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        Assert.Equal(good / pairs, Evaluator.Evaluate(labels, scores).RocAuc, 12);
    }
}
