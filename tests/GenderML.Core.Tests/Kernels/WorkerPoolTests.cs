using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary>
/// <see cref="WorkerPool"/>: every item runs exactly once whatever the thread count, the spin, or how jobs follow each
/// other (many short jobs back to back, the pattern of a single image's layers); errors reach the caller; nested calls
/// run serially.
/// </summary>
public sealed class WorkerPoolTests
{
    private sealed class CountingJob : ParallelJob
    {
        public int[] Hits = [];
        public int ThrowAt = -1;

        public override void Execute(int item)
        {
            Interlocked.Increment(ref Hits[item]);
            if (item == ThrowAt) throw new InvalidOperationException("item " + item);
        }
    }

    [Theory]
    [InlineData(50)]   // the default spin
    [InlineData(0)]    // no spin: every wait blocks
    public void ManyShortJobsRunEveryItemOnce(int spinMicroseconds)
    {
        int saved = WorkerPool.SpinMicroseconds;
        WorkerPool.SpinMicroseconds = spinMicroseconds;
        try
        {
            var job = new CountingJob();
            var random = new Random(1);
            for (int round = 0; round < 3000; round++)
            {
                int count = random.Next(1, 9), threads = random.Next(1, 5);
                job.Hits = new int[count];
                WorkerPool.Run(job, count, threads);
                for (int i = 0; i < count; i++) Assert.True(job.Hits[i] == 1, $"round {round}: item {i} ran {job.Hits[i]} times");
            }
        }
        finally
        {
            WorkerPool.SpinMicroseconds = saved;
        }
    }

    [Fact]
    public void AnErrorReachesTheCallerAndThePoolGoesOn()
    {
        var job = new CountingJob { Hits = new int[16], ThrowAt = 5 };
        var e = Assert.Throws<AggregateException>(() => WorkerPool.Run(job, 16, 3));
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.All(job.Hits, h => Assert.Equal(1, h));
        job = new CountingJob { Hits = new int[16] };
        WorkerPool.Run(job, 16, 3);
        Assert.All(job.Hits, h => Assert.Equal(1, h));
    }

    private sealed class NestingJob : ParallelJob
    {
        public readonly CountingJob Inner = new() { Hits = new int[4 * 6] };

        public override void Execute(int item) => WorkerPool.Run(new Offset(Inner, item * 6), 6, 2);

        private sealed class Offset(CountingJob inner, int start) : ParallelJob
        {
            public override void Execute(int item) => inner.Execute(start + item);
        }
    }

    [Fact]
    public void NestedCallsRunSerially()
    {
        var job = new NestingJob();
        WorkerPool.Run(job, 4, 2);
        Assert.All(job.Inner.Hits, h => Assert.Equal(1, h));
    }
}
