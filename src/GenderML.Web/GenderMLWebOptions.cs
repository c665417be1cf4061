namespace GenderML.Web;

/// <summary>
/// What the GenderML HTTP API serves and its limits. Every limit has a default here; the <c>genderml serve</c> command
/// and a hosting app only change it.
/// </summary>
public sealed record GenderMLWebOptions
{
    /// <summary>
    /// The model served by default: a model <c>.zip</c> written by <see cref="IGenderClassifier.Save"/>, or
    /// <c>pretrained</c> (<see cref="ClassifierPresets.LoadPretrained"/>). Required.
    /// </summary>
    public string Model { get; init; } = "";

    /// <summary>A folder whose <c>*.zip</c> models are served too, each under its file name without <c>.zip</c> (null: none).</summary>
    public string? ModelsFolder { get; init; }

    /// <summary>A folder of face-api weights to read instead of the packaged ones (null: the packaged ones).</summary>
    public string? FaceModelsFolder { get; init; }

    /// <summary>Threads each loaded model computes with (0: every core).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// A labelled dataset (as <c>Dataset.Load</c> reads it) that the dashboard studies and evaluates the models on
    /// (null: the dashboard's data and metrics pages say so).
    /// </summary>
    public string? DataFolder { get; init; }

    /// <summary>The dashboard evaluates each model on at most this many test images per class (a seeded sample).</summary>
    public int DashboardEvaluationPerClass { get; init; } = 500;

    /// <summary>The seed of the dashboard's test sample and sample grid.</summary>
    public int DashboardSeed { get; init; } = 1;

    /// <summary>
    /// The band of P(male) in which a face's prediction says <c>abstained</c>: the model is not sure enough to answer
    /// (default: the library's <see cref="AbstainBand.Default"/>; null: never abstain).
    /// </summary>
    public AbstainBand? AbstainBand { get; init; } = GenderML.AbstainBand.Default;

    /// <summary>The largest request body accepted, in bytes (larger: 413).</summary>
    public long MaxBodyBytes { get; init; } = 20L << 20;

    /// <summary>The largest image accepted, in pixels, read from its header before decoding (larger: 413).</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>The most files one multipart request may carry (more: 413).</summary>
    public int MaxFilesPerRequest { get; init; } = 16;

    /// <summary>The most images waiting for the network per model (more: 429 with <c>Retry-After</c>).</summary>
    public int QueueCapacity { get; init; } = 512;

    /// <summary>
    /// The most images run through the network as one batch (1: one at a time). The engine allocates each batch's
    /// activations anew, so the process's memory grows with this size (docs/BENCHMARKS.md, "HTTP API").
    /// </summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>How long the first image of a batch waits for others to join it.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest a prediction request may take, queueing included (longer: 503).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle keep-alive connection stays open (Kestrel's <c>KeepAliveTimeout</c>).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The seconds a 429 answer tells the client to wait (<c>Retry-After</c>).</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>
    /// The API key clients must send as <c>X-Api-Key</c> or <c>Authorization: Bearer</c> to reach <c>/api</c> and
    /// <c>/metrics</c> (null: no key). Compared in constant time.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>Origins allowed to call the API from a browser (CORS); empty, the default: none, CORS stays closed.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
            throw new ArgumentException("GenderMLWebOptions.Model is required: a model .zip or 'pretrained'");
        Positive(MaxBodyBytes, nameof(MaxBodyBytes));
        Positive(MaxPixels, nameof(MaxPixels));
        Positive(MaxFilesPerRequest, nameof(MaxFilesPerRequest));
        Positive(QueueCapacity, nameof(QueueCapacity));
        Positive(MaxBatchSize, nameof(MaxBatchSize));
        Positive(DashboardEvaluationPerClass, nameof(DashboardEvaluationPerClass));
        Positive(RetryAfterSeconds, nameof(RetryAfterSeconds));
        if (MaxBatchDelay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchDelay), "GenderMLWebOptions.MaxBatchDelay must not be negative");
        if (RequestTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), "GenderMLWebOptions.RequestTimeout must be positive");
        if (ApiKey is { Length: 0 }) throw new ArgumentException("GenderMLWebOptions.ApiKey is empty: give a key or null");
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"GenderMLWebOptions.{name} must be positive");
    }
}
