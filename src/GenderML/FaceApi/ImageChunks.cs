using System.Runtime.ExceptionServices;
using GenderML.Core;
using GenderML.Core.Kernels;
using GenderML.Core.Layers;

namespace GenderML.FaceApi;

/// <summary>
/// Runs a frozen chain of layers over a batch one image at a time, so that an image's feature maps stay in cache from
/// layer to layer instead of a batch-sized tensor going through memory at every layer. With more than one thread,
/// each thread takes whole images through its own one-thread copy of the layers (built on first use): no hand-over
/// between layers, and an image's maps stay with the core that wrote them. Each image's output is what the whole
/// batch gives on any thread count (the layers' results depend neither on the batch an image comes in nor on the
/// thread count). Not thread-safe, as the layers it runs.
/// </summary>
/// <param name="layers">The layers, which a single image runs on (split over their threads by each layer).</param>
/// <param name="copy">Builds the same layers anew for the given compute options (one copy per thread).</param>
internal sealed class ImageChunks(Layer layers, Func<ComputeOptions, Layer> copy)
{
    private readonly ImageJob _job = new();
    private Replica[] _replicas = [];
    private int[]? _outputShape;
    private int[]? _inputShape;
    private Tensor? _output;

    /// <summary><paramref name="x"/> (N × …) through the layers, one image at a time when N exceeds one.</summary>
    public Tensor Forward(Tensor x)
    {
        int n = x.Dim(0);
        if (n <= 1) return layers.Forward(x);
        int threads = Math.Min(Math.Max(1, layers.Compute.Threads), n);
        EnsureReplicas(threads);
        int first = 0;
        if (_outputShape is null || !x.Shape[1..].SequenceEqual(_inputShape!))
        {
            // The output's shape per image comes from running the first image (on the calling thread).
            _outputShape = null;
            Tensor y = _replicas[0].Forward(x, 0);
            _outputShape = y.ShapeArray();
            _outputShape[0] = 1;
            _inputShape = x.Shape[1..].ToArray();
            EnsureOutput(n);
            Array.Copy(y.Data, 0, _output!.Data, 0, y.Length);
            first = 1;
        }
        else
        {
            EnsureOutput(n);
        }
        _job.Set(x, _output!, _replicas, first);
        try
        {
            WorkerPool.Run(_job, n - first, threads);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        finally
        {
            _job.Set(null, null, _replicas, 0);
        }
        return _output!;
    }

    private void EnsureReplicas(int count)
    {
        if (_replicas.Length >= count) return;
        var replicas = new Replica[count];
        Array.Copy(_replicas, replicas, _replicas.Length);
        for (int i = _replicas.Length; i < count; i++)
            replicas[i] = new Replica(layers.Compute.Threads == 1 && i == 0
                ? layers
                : copy(layers.Compute with { Threads = 1 }));
        _replicas = replicas;
    }

    private void EnsureOutput(int n)
    {
        if (_output is not null && _output.Dim(0) == n && _output.Shape[1..].SequenceEqual(_outputShape.AsSpan(1))) return;
        int[] shape = (int[])_outputShape!.Clone();
        shape[0] = n;
        _output = new Tensor(shape);
    }

    /// <summary>One thread's copy of the layers and its one-image input.</summary>
    private sealed class Replica(Layer layers)
    {
        private Tensor? _input;
        public int Busy;

        /// <summary>Image <paramref name="image"/> of <paramref name="x"/> through this copy's layers.</summary>
        public Tensor Forward(Tensor x, int image)
        {
            int perImage = x.Length / x.Dim(0);
            if (_input is null || _input.Length != perImage || !_input.Shape[1..].SequenceEqual(x.Shape[1..]))
            {
                int[] shape = x.ShapeArray();
                shape[0] = 1;
                _input = new Tensor(shape);
            }
            Array.Copy(x.Data, (long)image * perImage, _input.Data, 0, perImage);
            return layers.Forward(_input);
        }
    }

    /// <summary>Item i: image first + i through a free replica, its output copied into place.</summary>
    private sealed class ImageJob : ParallelJob
    {
        [ThreadStatic] private static int t_hint;
        private Tensor? _x, _output;
        private Replica[] _replicas = [];
        private int _first;

        public void Set(Tensor? x, Tensor? output, Replica[] replicas, int first)
        {
            _x = x;
            _output = output;
            _replicas = replicas;
            _first = first;
        }

        public override void Execute(int item)
        {
            int image = _first + item;
            // At most as many items run at once as there are replicas; a thread keeps to the copy it used last.
            int r = t_hint;
            while (true)
            {
                if (r >= _replicas.Length) r = 0;
                if (Interlocked.CompareExchange(ref _replicas[r].Busy, 1, 0) == 0) break;
                r++;
            }
            t_hint = r;
            var replica = _replicas[r];
            try
            {
                Tensor y = replica.Forward(_x!, image);
                Array.Copy(y.Data, 0, _output!.Data, (long)image * y.Length, y.Length);
            }
            finally
            {
                Volatile.Write(ref replica.Busy, 0);
            }
        }
    }
}
