using GenderML.Core.Kernels;

namespace GenderML.Core.Ops;

/// <summary>
/// Runs a layer's loop body over a fixed number of parts on the kernel worker pool. Each part covers a fixed
/// range of items, independent of the thread count, and writes only its own outputs, so results never depend
/// on <see cref="ComputeOptions.Threads"/>. Create one per layer and cache the body delegate: running allocates nothing.
/// </summary>
internal sealed class PartitionedLoop : ParallelJob
{
    private Action<int, int>? _body;
    private int _items, _parts;

    /// <summary>Calls <paramref name="body"/>(start, end) for consecutive ranges covering [0, items), in parallel on up to <paramref name="threads"/> threads.</summary>
    public void Run(Action<int, int> body, int items, int threads, int minItemsPerPart = 1)
    {
        if (items <= 0) return;
        int parts = Math.Min(items / Math.Max(minItemsPerPart, 1), 64);
        if (parts <= 1 || threads <= 1)
        {
            body(0, items);
            return;
        }
        _body = body;
        _items = items;
        _parts = parts;
        try { WorkerPool.Run(this, parts, threads); }
        finally { _body = null; }
    }

    public override void Execute(int item)
    {
        long start = (long)_items * item / _parts, end = (long)_items * (item + 1) / _parts;
        _body!((int)start, (int)end);
    }
}
