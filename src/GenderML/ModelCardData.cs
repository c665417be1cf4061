namespace GenderML;

/// <summary>What a model was trained on, as a <see cref="ModelCard"/> states it: the source's name (never a path) and counts.</summary>
/// <param name="Source">The name of the data folder or manifest file, without its path.</param>
/// <param name="Counts">Images per split and class that the training used.</param>
/// <param name="HeldOut">How the validation part came about, e.g. <c>10% of the training images, stratified (seed 1)</c>.</param>
public sealed record ModelCardData(string Source, IReadOnlyList<ModelCardCount> Counts, string HeldOut);
