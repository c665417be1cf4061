namespace GenderML.Core.Kernels;

/// <summary>A unit of parallel work: items 0…count−1, each independent of the others.</summary>
internal abstract class ParallelJob
{
    /// <summary>Does item <paramref name="item"/>; called once per item, on any thread.</summary>
    public abstract void Execute(int item);
}

/// <summary>
/// A small persistent pool of worker threads. <see cref="Run"/> hands out the items of a job through one
/// atomic counter, so which thread runs an item varies but each item's result does not.
/// The caller's thread works too. Nested or concurrent calls run serially on the calling thread,
/// and so does any call asking for one thread. Allocation-free once the workers exist.
/// </summary>
internal static class WorkerPool
{
    private const int MaxWorkers = 63;
    private static readonly Thread?[] s_workers = new Thread?[MaxWorkers];
    private static readonly SemaphoreSlim s_start = new(0);
    // A semaphore, not a ManualResetEventSlim: that one allocates its lock object the first time a wait blocks,
    // which may be long after warm-up.
    private static readonly SemaphoreSlim s_done = new(0);
    private static int s_busy;
    private static int s_workerCount;
    private static ParallelJob? s_job;
    private static int s_next;
    private static int s_count;
    private static int s_pending;
    private static Exception? s_error;

    /// <summary>Runs <paramref name="job"/> for every item in [0, <paramref name="count"/>) on up to <paramref name="threads"/> threads.</summary>
    public static void Run(ParallelJob job, int count, int threads)
    {
        int helpers = Math.Min(Math.Min(threads, count) - 1, MaxWorkers);
        if (helpers <= 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) job.Execute(i);
            return;
        }
        try
        {
            EnsureWorkers(helpers);
            s_job = job;
            s_error = null;
            s_next = 0;
            s_count = count;
            s_pending = helpers;
            s_start.Release(helpers);
            Drain();
            s_done.Wait();
            s_job = null;
            if (s_error is { } error) throw new AggregateException(error);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static void Drain()
    {
        var job = s_job!;
        int i;
        while ((i = Interlocked.Increment(ref s_next) - 1) < s_count)
        {
            try { job.Execute(i); }
            catch (Exception e) { Interlocked.CompareExchange(ref s_error, e, null); }
        }
    }

    private static void EnsureWorkers(int helpers)
    {
        while (s_workerCount < helpers)
        {
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = "GenderML kernel worker" };
            s_workers[s_workerCount++] = thread;
            thread.Start();
        }
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            s_start.Wait();
            Drain();
            if (Interlocked.Decrement(ref s_pending) == 0) s_done.Release();
        }
    }
}
