namespace GenderML.Batch;

/// <summary>What a batch task did: its shard, its part files and the job they belong to.</summary>
/// <param name="Shard">The shard the task took.</param>
/// <param name="Job">The job's identity (kind, model, input), the same in every shard's manifest.</param>
/// <param name="Parts">The shard's part files in order.</param>
/// <param name="AlreadyComplete">True when the shard was complete before the run, which then changed no file.</param>
public sealed record BatchSummary(Shard Shard, BatchJobIdentity Job, IReadOnlyList<BatchPartSummary> Parts, bool AlreadyComplete);
