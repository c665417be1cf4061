namespace GenderML.Core;

/// <summary>How much of the machine a computation may use.</summary>
/// <remarks>
/// Work is split into a fixed number of parts that does not depend on <see cref="Threads"/>,
/// so results are bit-identical whatever the thread count.
/// </remarks>
public sealed record ComputeOptions
{
    /// <summary>Threads to run on; defaults to every core of the machine.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>One thread: for tests and for callers that parallelise above this level.</summary>
    public static ComputeOptions SingleThreaded { get; } = new() { Threads = 1 };
}
