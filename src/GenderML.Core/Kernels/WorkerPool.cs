using System.Diagnostics;

namespace GenderML.Core.Kernels;

/// <summary>A unit of parallel work: items 0…count−1, each independent of the others.</summary>
internal abstract class ParallelJob
{
    /// <summary>Does item <paramref name="item"/>; called once per item, on any thread.</summary>
    public abstract void Execute(int item);

    /// <summary>Drops what the job references beyond its call (objects a cached job must not keep alive).</summary>
    protected internal virtual void Clear() { }
}

/// <summary>
/// A small persistent pool of worker threads. <see cref="Run"/> hands out the items of a job through one
/// atomic counter, so which thread runs an item varies but each item's result does not.
/// The caller's thread works too. Nested or concurrent calls run serially on the calling thread,
/// and so does any call asking for one thread; either way every item runs and the first error reaches the caller
/// after them, wrapped in an <see cref="AggregateException"/>. Allocation-free once the workers exist.
/// </summary>
/// <remarks>
/// A worker that runs out of work spins for up to <see cref="SpinMicroseconds"/> before it blocks, and so does the
/// caller waiting for the last items: a single image's network makes dozens of short parallel calls, and waking a
/// blocked thread costs a scheduler round each time. The caller waits only for items that were claimed, never for a
/// worker that has not woken up yet; a worker that wakes late finds the items taken and goes back to waiting.
/// </remarks>
internal static class WorkerPool
{
    private const int MaxWorkers = 63;

    /// <summary>How long an idle worker, or the caller waiting for the last items, spins before it blocks.</summary>
    internal static int SpinMicroseconds { get; set; } = 50;

    private const int Awake = 0, Sleeping = 1;

    private static readonly Worker?[] s_workers = new Worker?[MaxWorkers];
    private static readonly SemaphoreSlim s_done = new(0);
    private static int s_busy;
    private static int s_workerCount;

    // The current job, published under a sequence lock: s_claim's high 32 bits are the generation (odd while a job is
    // being published), its low 32 bits the next unclaimed item. A worker reads the generation, then the fields, and
    // claims an item with a compare-exchange on s_claim, which fails if a newer job has started since.
    private static long s_claim;
    private static ParallelJob? s_job;
    private static int s_count;
    private static int s_helpers;
    private static int s_completed;
    private static int s_callerState;
    private static Exception? s_error;

    /// <summary>Runs <paramref name="job"/> for every item in [0, <paramref name="count"/>) on up to <paramref name="threads"/> threads.</summary>
    public static void Run(ParallelJob job, int count, int threads)
    {
        int helpers = Math.Min(Math.Min(threads, count) - 1, MaxWorkers);
        if (helpers <= 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            RunSerially(job, count);
            return;
        }
        try
        {
            EnsureWorkers(helpers);
            int generation = unchecked(Generation(Volatile.Read(ref s_claim)) + 1);
            Interlocked.Exchange(ref s_claim, (long)generation << 32);          // odd: publishing
            s_job = job;
            s_count = count;
            s_helpers = helpers;
            s_error = null;
            s_completed = 0;
            s_callerState = Awake;
            generation = unchecked(generation + 1);
            Interlocked.Exchange(ref s_claim, (long)generation << 32);          // even: items 0… open
            for (int w = 0; w < helpers; w++)
            {
                var worker = s_workers[w]!;
                if (Interlocked.CompareExchange(ref worker.State, Awake, Sleeping) == Sleeping) worker.Wake.Release();
            }
            int done = Drain(generation, job, count);
            if (done > 0) Interlocked.Add(ref s_completed, done);
            WaitForCompletion(count);
            s_job = null;
            if (s_error is { } error) throw new AggregateException(error);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Every item on the calling thread, with the parallel path's error rule: all items run, the first error is thrown after them.</summary>
    private static void RunSerially(ParallelJob job, int count)
    {
        Exception? error = null;
        for (int i = 0; i < count; i++)
        {
            try { job.Execute(i); }
            catch (Exception e) { error ??= e; }
        }
        if (error is not null) throw new AggregateException(error);
    }

    /// <summary>Claims and runs items of the job of <paramref name="generation"/> until none are left; returns how many it ran.</summary>
    private static int Drain(int generation, ParallelJob job, int count)
    {
        int done = 0;
        while (true)
        {
            long claim = Volatile.Read(ref s_claim);
            int next = (int)claim;
            if (Generation(claim) != generation || next >= count) return done;
            if (Interlocked.CompareExchange(ref s_claim, claim + 1, claim) != claim) continue;
            try { job.Execute(next); }
            catch (Exception e) { Interlocked.CompareExchange(ref s_error, e, null); }
            done++;
        }
    }

    /// <summary>The caller, its own share done: spins, then blocks, until every item has completed.</summary>
    private static void WaitForCompletion(int count)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (Volatile.Read(ref s_completed) != count)
        {
            if (Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(20);
                continue;
            }
            Interlocked.Exchange(ref s_callerState, Sleeping);
            if (Volatile.Read(ref s_completed) == count
                && Interlocked.CompareExchange(ref s_callerState, Awake, Sleeping) == Sleeping) return;
            // A worker saw the caller asleep and will release (or has released) the semaphore: take that release.
            s_done.Wait();
        }
    }

    private static int Generation(long claim) => (int)(claim >> 32);

    private static long SpinTicks => Stopwatch.Frequency * SpinMicroseconds / 1_000_000;

    private static void EnsureWorkers(int helpers)
    {
        while (s_workerCount < helpers)
        {
            var worker = new Worker(s_workerCount);
            s_workers[s_workerCount++] = worker;
            new Thread(worker.Loop) { IsBackground = true, Name = "GenderML kernel worker" }.Start();
        }
    }

    private sealed class Worker(int index)
    {
        public readonly SemaphoreSlim Wake = new(0);
        public int State = Awake;
        private readonly int _index = index;

        public void Loop()
        {
            int seen = 0;
            while (true)
            {
                if (TryWork(ref seen)) continue;
                if (Spin(seen)) continue;
                Interlocked.Exchange(ref State, Sleeping);
                if (HasWork(seen) && Interlocked.CompareExchange(ref State, Awake, Sleeping) == Sleeping) continue;
                // Asleep (or the caller already took us out of the sleeping state and releases Wake for us).
                Wake.Wait();
            }
        }

        /// <summary>Whether a job newer than <paramref name="seen"/> that this worker may join is open.</summary>
        private bool HasWork(int seen)
        {
            int generation = Generation(Volatile.Read(ref s_claim));
            return generation != seen && (generation & 1) == 0 && _index < Volatile.Read(ref s_helpers);
        }

        private bool Spin(int seen)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            do
            {
                if (HasWork(seen)) return true;
                Thread.SpinWait(20);
            }
            while (Stopwatch.GetTimestamp() < deadline);
            return false;
        }

        /// <summary>Joins the open job, if there is one this worker has not joined yet; returns whether it found one.</summary>
        private bool TryWork(ref int seen)
        {
            int generation = Generation(Volatile.Read(ref s_claim));
            if (generation == seen || (generation & 1) != 0) return false;
            var job = Volatile.Read(ref s_job);
            int count = Volatile.Read(ref s_count), helpers = Volatile.Read(ref s_helpers);
            // The fields belong to this generation only if no newer job has begun publishing since s_claim was read.
            if (Generation(Volatile.Read(ref s_claim)) != generation) return true;
            seen = generation;
            if (job is null || _index >= helpers) return false;
            int done = Drain(generation, job, count);
            if (done > 0 && Interlocked.Add(ref s_completed, done) == count
                && Interlocked.CompareExchange(ref s_callerState, Awake, Sleeping) == Sleeping)
                s_done.Release();
            return true;
        }
    }
}
