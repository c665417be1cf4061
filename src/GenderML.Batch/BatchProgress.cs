namespace GenderML.Batch;

/// <summary>How far a batch task is: images of its shard done so far (skipped complete parts included).</summary>
/// <param name="Done">Images of the shard done.</param>
/// <param name="Total">Images in the shard.</param>
public readonly record struct BatchProgress(int Done, int Total);
