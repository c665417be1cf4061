using System.Threading.Channels;
using GenderML.Imaging;

namespace GenderML.Web;

/// <summary>
/// The queue in front of one served model: images that arrive within <see cref="GenderMLWebOptions.MaxBatchDelay"/> of
/// the first waiting one go through the network as one batch of at most <see cref="GenderMLWebOptions.MaxBatchSize"/>.
/// One worker thread of its own runs the batches, so the model's networks are only ever called from it (the engine's
/// per-thread scratch buffers, sized by the largest batch, then exist once rather than on every thread-pool thread a
/// continuation lands on); the queue holds at most <see cref="GenderMLWebOptions.QueueCapacity"/> images and refuses
/// more (<see cref="ServerBusyException"/>).
/// </summary>
internal sealed class PredictionBatcher : IAsyncDisposable
{
    private readonly ServedModel _model;
    private readonly GenderMLWebOptions _options;
    private readonly WebMetrics _metrics;
    private readonly Channel<Job> _queue;
    private readonly Thread _worker;
    private int _waiting;

    public PredictionBatcher(ServedModel model, GenderMLWebOptions options, WebMetrics metrics)
    {
        _model = model;
        _options = options;
        _metrics = metrics;
        _queue = Channel.CreateUnbounded<Job>();
        _worker = new Thread(Run) { IsBackground = true, Name = $"GenderML batches ({model.Name})" };
        _worker.Start();
    }

    /// <summary>The images waiting for the network.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Queues <paramref name="image"/>; the task ends with its prediction.</summary>
    /// <exception cref="ServerBusyException">The queue is full.</exception>
    public Task<ImagePredictionResult> PredictAsync(Image image, bool detectFaces, CancellationToken cancellation)
    {
        if (Interlocked.Increment(ref _waiting) > _options.QueueCapacity)
        {
            Interlocked.Decrement(ref _waiting);
            throw new ServerBusyException(
                $"model '{_model.Name}': {_options.QueueCapacity} images are already waiting (GenderMLWebOptions.QueueCapacity)");
        }
        var job = new Job(image, detectFaces || _model.TakesPhotos, cancellation);
        if (!_queue.Writer.TryWrite(job))
        {
            Interlocked.Decrement(ref _waiting);
            throw new ObjectDisposedException(nameof(PredictionBatcher));
        }
        return job.Result.Task;
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var batch = new List<Job>(_options.MaxBatchSize);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            Fill(reader, batch);
            Interlocked.Add(ref _waiting, -batch.Count);
            Run(batch);
        }
    }

    /// <summary>Takes what is queued, then waits until the batch is full or the first image has waited MaxBatchDelay.</summary>
    private void Fill(ChannelReader<Job> reader, List<Job> batch)
    {
        long deadline = Environment.TickCount64 + (long)_options.MaxBatchDelay.TotalMilliseconds;
        while (batch.Count < _options.MaxBatchSize)
        {
            if (reader.TryRead(out var job))
            {
                batch.Add(job);
                continue;
            }
            long left = deadline - Environment.TickCount64;
            if (left <= 0) break;
            var more = reader.WaitToReadAsync().AsTask();
            if (!more.Wait(TimeSpan.FromMilliseconds(left)) || !more.Result) break;
        }
    }

    private void Run(List<Job> batch)
    {
        var live = batch.Where(j => !j.Cancellation.IsCancellationRequested || !j.Result.TrySetCanceled(j.Cancellation)).ToList();
        if (live.Count == 0) return;
        _metrics.ObserveBatch(live.Count);
        var crops = live.Where(j => !j.DetectFaces).ToList();
        if (crops.Count > 0) RunCrops(crops);
        foreach (var job in live.Where(j => j.DetectFaces))
            Complete(job, () =>
            {
                var faces = _model.Photos.Classify(job.Image);
                return new ImagePredictionResult(faces.Count > 0,
                    [.. faces.Select(f => _model.Result(f.Face, f.Prediction, job.Image.Width, job.Image.Height))],
                    job.Image.Width, job.Image.Height);
            });
    }

    private void RunCrops(List<Job> crops)
    {
        IReadOnlyList<GenderPrediction> predictions;
        try
        {
            predictions = _model.Classifier.Predict([.. crops.Select(j => j.Image)]);
        }
        catch (Exception) when (crops.Count > 1)
        {
            // One image spoiled the batch: run each alone so the error reaches only its own request.
            foreach (var job in crops) RunCrops([job]);
            return;
        }
        catch (Exception e)
        {
            crops[0].Result.TrySetException(e);
            return;
        }
        for (int i = 0; i < crops.Count; i++)
        {
            var image = crops[i].Image;
            var p = predictions[i];
            crops[i].Result.TrySetResult(new ImagePredictionResult(p.FaceFound ?? true,
                [_model.Result(null, p, image.Width, image.Height)], image.Width, image.Height));
        }
    }

    private static void Complete(Job job, Func<ImagePredictionResult> run)
    {
        try
        {
            job.Result.TrySetResult(run());
        }
        catch (Exception e)
        {
            job.Result.TrySetException(e);
        }
    }

    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _worker.Join();
        return ValueTask.CompletedTask;
    }

    private sealed record Job(Image Image, bool DetectFaces, CancellationToken Cancellation)
    {
        public TaskCompletionSource<ImagePredictionResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
