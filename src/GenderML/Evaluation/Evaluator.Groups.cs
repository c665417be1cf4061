using GenderML.Data;

namespace GenderML.Evaluation;

public static partial class Evaluator
{
    /// <summary>The coverages of <see cref="EvaluationReport.Coverage"/>.</summary>
    private static readonly double[] Coverages = [1.0, 0.99, 0.98, 0.97, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5];

    /// <summary>
    /// The facets of <paramref name="items"/>: every facet of <see cref="DatasetItem.Groups"/> that some item carries (in
    /// order of name), then <paramref name="metadataKey"/>'s values when given; null when there are none.
    /// </summary>
    internal static IReadOnlyList<SampleGroups>? GroupsOf(IReadOnlyList<DatasetItem> items, string? metadataKey)
    {
        var facets = items.SelectMany(i => i.Groups.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var result = facets.Select(f => new SampleGroups(f, [.. items.Select(i => i.Groups.TryGetValue(f, out var g) ? g : "unknown")])).ToList();
        if (metadataKey is not null && !facets.Contains(metadataKey))
            result.Add(new SampleGroups(metadataKey, [.. items.Select(i => i.Metadata.TryGetValue(metadataKey, out var v) ? v : "unknown")]));
        return result.Count > 0 ? result : null;
    }

    /// <summary>
    /// The facets an evaluation of <paramref name="items"/> reports: those of
    /// <see cref="GroupsOf(IReadOnlyList{DatasetItem}, string?)"/> for <see cref="ModelEvaluationOptions.GroupBy"/>;
    /// for <see cref="ModelEvaluationOptions.EstimatedAge"/>, the data's own facets followed by the estimated
    /// age band × label of each image (<see cref="EstimatedAgeGroups"/>).
    /// </summary>
    internal static IReadOnlyList<SampleGroups>? GroupsOf(IReadOnlyList<DatasetItem> items, ModelEvaluationOptions options,
        CancellationToken cancellation) =>
        options.GroupBy == ModelEvaluationOptions.EstimatedAge
            ?
            [
                .. GroupsOf(items, null) ?? [],
                new SampleGroups(ModelEvaluationOptions.EstimatedAge,
                    EstimatedAgeGroups.Of(items, options, cancellation)),
            ]
            : GroupsOf(items, options.GroupBy);

    private static GroupBreakdown Breakdown(ReadOnlySpan<int> labels, ReadOnlySpan<double> pMale, SampleGroups facet, EvaluationOptions o)
    {
        var members = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < labels.Length; i++)
        {
            if (!members.TryGetValue(facet.Keys[i], out var list)) members[facet.Keys[i]] = list = [];
            list.Add(i);
        }
        var correct = new bool[labels.Length];
        for (int i = 0; i < labels.Length; i++) correct[i] = (pMale[i] > o.Threshold ? 1 : 0) == labels[i];
        var groups = new List<GroupAccuracy>();
        foreach (var (name, list) in members)
        {
            int n = list.Count, right = 0, female = 0, male = 0, femaleRight = 0, maleRight = 0;
            foreach (int i in list)
            {
                right += correct[i] ? 1 : 0;
                if (labels[i] == 1) { male++; maleRight += correct[i] ? 1 : 0; }
                else { female++; femaleRight += correct[i] ? 1 : 0; }
            }
            var (low, high) = Wilson(right, n);
            groups.Add(new GroupAccuracy(name, n, (double)right / n, female, male)
            {
                FemaleRecall = female > 0 ? (double)femaleRight / female : null,
                MaleRecall = male > 0 ? (double)maleRight / male : null,
                AccuracyLow = low, AccuracyHigh = high,
            });
        }
        var large = groups.Where(g => g.Count >= o.MinGroupSize).ToList();
        var breakdown = new GroupBreakdown(facet.Facet, groups);
        if (large.Count < 2) return breakdown;
        // Ties go to the first group in name order, so the choice is deterministic.
        var worst = large.OrderBy(g => g.Accuracy).First();
        var best = large.OrderByDescending(g => g.Accuracy).First();
        var (gapLow, gapHigh) = BootstrapGap(members[best.Group], members[worst.Group], correct, o);
        return breakdown with { Worst = worst.Group, Best = best.Group, Gap = best.Accuracy - worst.Accuracy, GapLow = gapLow, GapHigh = gapHigh };
    }

    /// <summary>The 95% Wilson score interval of <paramref name="right"/> successes in <paramref name="n"/> trials.</summary>
    internal static (double Low, double High) Wilson(int right, int n)
    {
        const double z = 1.959963984540054;
        if (n == 0) return (0, 1);
        double p = (double)right / n, z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n), half = z * Math.Sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The 2.5th and 97.5th percentiles of accuracy(best) − accuracy(worst) when each group's samples are resampled
    /// with replacement (<see cref="EvaluationOptions.BootstrapRounds"/> rounds from <see cref="EvaluationOptions.Seed"/>).
    /// </summary>
    private static (double Low, double High) BootstrapGap(List<int> best, List<int> worst, bool[] correct, EvaluationOptions o)
    {
        int rounds = Math.Max(1, o.BootstrapRounds);
        var random = new Random(o.Seed);
        var gaps = new double[rounds];
        for (int r = 0; r < rounds; r++) gaps[r] = Resampled(best, correct, random) - Resampled(worst, correct, random);
        Array.Sort(gaps);
        return (gaps[(int)Math.Floor(0.025 * (rounds - 1))], gaps[(int)Math.Ceiling(0.975 * (rounds - 1))]);
    }

    private static double Resampled(List<int> members, bool[] correct, Random random)
    {
        int right = 0;
        for (int k = 0; k < members.Count; k++) right += correct[members[random.Next(members.Count)]] ? 1 : 0;
        return (double)right / members.Count;
    }

    /// <summary>Accuracy on the surest share of samples at each of <see cref="Coverages"/> (confidence ties broken by order).</summary>
    private static CoveragePoint[] CoverageCurve(ReadOnlySpan<int> labels, ReadOnlySpan<double> pMale, double threshold)
    {
        int n = labels.Length;
        var confidence = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++) { confidence[i] = Math.Max(pMale[i], 1 - pMale[i]); order[i] = i; }
        var sorted = order.OrderByDescending(i => confidence[i]).ThenBy(i => i).ToArray();
        var cumulative = new int[n + 1];
        for (int k = 0; k < n; k++)
            cumulative[k + 1] = cumulative[k] + ((pMale[sorted[k]] > threshold ? 1 : 0) == labels[sorted[k]] ? 1 : 0);
        return [.. Coverages.Select(c =>
        {
            int answered = Math.Max(1, (int)Math.Ceiling(c * n - 1e-9));
            return new CoveragePoint((double)answered / n, answered, (double)cumulative[answered] / answered, confidence[sorted[answered - 1]]);
        }).DistinctBy(p => p.Answered)];
    }

    private static Abstention AbstentionOf(ReadOnlySpan<int> labels, ReadOnlySpan<double> pMale, AbstainBand band, double threshold)
    {
        int answered = 0, right = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (band.Contains((float)pMale[i])) continue;
            answered++;
            right += (pMale[i] > threshold ? 1 : 0) == labels[i] ? 1 : 0;
        }
        return new Abstention(band, answered, (double)answered / labels.Length, answered > 0 ? (double)right / answered : double.NaN);
    }
}
