namespace GenderML.Core.Kernels;

/// <summary>
/// One reusable <typeparamref name="T"/> per thread: a kernel rents it, sets the call's operands, runs it through
/// <see cref="WorkerPool"/> and returns it, so steady-state calls allocate nothing. A nested call on the same thread
/// (the cached instance is rented out) gets a new one.
/// </summary>
internal static class JobCache<T> where T : ParallelJob, new()
{
    [ThreadStatic] private static T? t_cached;

    /// <summary>This thread's instance, or a new one when it is rented out.</summary>
    public static T Rent()
    {
        var job = t_cached ?? new T();
        t_cached = null;
        return job;
    }

    /// <summary>Gives <paramref name="job"/> back for this thread's next call, its references dropped
    /// (<see cref="ParallelJob.Clear"/>).</summary>
    public static void Return(T job)
    {
        job.Clear();
        t_cached = job;
    }

    /// <summary>Runs items 0…<paramref name="count"/>−1 of <paramref name="job"/> — on this thread when one thread or
    /// one item leaves nothing to share, else through <see cref="WorkerPool"/> — then gives it back
    /// (<see cref="Return"/>), also when an item throws.</summary>
    public static void RunAndReturn(T job, int count, int threads)
    {
        try
        {
            if (threads <= 1 || count == 1)
                for (int item = 0; item < count; item++) job.Execute(item);
            else WorkerPool.Run(job, count, threads);
        }
        finally { Return(job); }
    }
}
