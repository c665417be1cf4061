namespace GenderML.Evaluation;

/// <summary>The group every sample belongs to along one facet: <see cref="Keys"/>[i] is sample i's group name.</summary>
/// <param name="Facet">The facet's name, e.g. <c>age band</c>.</param>
/// <param name="Keys">One group name per sample.</param>
public sealed record SampleGroups(string Facet, IReadOnlyList<string> Keys);
