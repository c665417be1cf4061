namespace GenderML.Data;

/// <summary>Runs work over [0, count) in fixed chunks on several threads; results go to slots by index, so order never depends on timing.</summary>
internal static class ParallelChunks
{
    /// <summary>The number of threads to use: <paramref name="requested"/>, or all cores when it is 0 or less.</summary>
    public static int Threads(int requested) => requested > 0 ? requested : Environment.ProcessorCount;

    /// <summary>Calls <paramref name="body"/>(start, end) for the chunks [k·chunk, min((k+1)·chunk, count)).</summary>
    public static void For(int count, int chunk, int threads, Action<int, int> body)
    {
        if (count <= 0) return;
        int chunks = (count + chunk - 1) / chunk;
        if (threads <= 1 || chunks == 1)
        {
            for (int k = 0; k < chunks; k++) body(k * chunk, Math.Min(count, (k + 1) * chunk));
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads },
            k => body(k * chunk, Math.Min(count, (k + 1) * chunk)));
    }
}
