namespace GenderML;

/// <summary>How many images of one class one split of a model's data held.</summary>
/// <param name="Split">The part: <c>train</c>, <c>validation</c>, <c>test</c>.</param>
/// <param name="Class">The class name: <c>female</c> or <c>male</c>.</param>
/// <param name="Count">Images.</param>
public sealed record ModelCardCount(string Split, string Class, int Count);
