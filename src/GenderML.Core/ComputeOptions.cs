namespace GenderML.Core;

/// <summary>How much of the machine a computation may use.</summary>
/// <remarks>
/// Results are bit-identical whatever the thread count: kernels never split a reduction (such as GEMM's K
/// dimension) across threads, and where partial sums are needed they are made over a fixed partition and added
/// in a fixed order.
/// </remarks>
public sealed record ComputeOptions
{
    /// <summary>Threads to run on; defaults to every core of the machine.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>One thread: for tests and for callers that parallelise above this level.</summary>
    public static ComputeOptions SingleThreaded { get; } = new() { Threads = 1 };
}
