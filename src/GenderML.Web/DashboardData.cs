using GenderML.Data;
using GenderML.Evaluation;
using Microsoft.Extensions.Logging;

namespace GenderML.Web;

/// <summary>
/// What the dashboard shows of <see cref="GenderMLWebOptions.DataFolder"/>: the data study (label balance, bad files,
/// a sample grid, average faces) and each served model's evaluation on a seeded sample of the test split. Computed
/// once, on a background thread of low priority, when the dashboard first asks; served models are evaluated through a
/// second instance of each, so predictions never wait for it.
/// </summary>
internal sealed class DashboardData(GenderClassifierPool pool, ILogger<DashboardData> logger)
{
    private const int SamplesPerClass = 8;
    private static readonly PreprocessOptions AveragePixels = new() { Size = 64, Format = Imaging.PixelFormat.Gray8 };

    private readonly Lock _gate = new();
    private readonly List<string> _images = [];
    private readonly Dictionary<string, int> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EvaluationReport> _reports = new(StringComparer.Ordinal);
    private Thread? _worker;
    private volatile string _state = "idle";
    private volatile string _step = "";
    private volatile string? _error;

    public string State => pool.Options.DataFolder is null ? "none" : _state;

    public string Step => _step;

    public string? Error => _error;

    public DataStudy? Study { get; private set; }

    public byte[]? AveragePng { get; private set; }

    /// <summary>Starts the study unless it started already.</summary>
    public void Start()
    {
        if (pool.Options.DataFolder is null) return;
        lock (_gate)
        {
            if (_worker is not null) return;
            _state = "computing";
            _worker = new Thread(Run)
            {
                IsBackground = true, Priority = ThreadPriority.BelowNormal, Name = "GenderML dashboard study",
            };
            _worker.Start();
        }
    }

    public EvaluationReport? Report(string model)
    {
        lock (_gate) return _reports.GetValueOrDefault(model);
    }

    /// <summary>The file behind image token <paramref name="index"/> (only files the study listed; never a client's path).</summary>
    public string? ImagePath(int index)
    {
        lock (_gate) return index >= 0 && index < _images.Count ? _images[index] : null;
    }

    /// <summary>The name of the data the models were evaluated on, as a model card records it (a name, never a path).</summary>
    public string? TestSource { get; private set; }

    public int ImageToken(string path)
    {
        lock (_gate)
        {
            if (_tokens.TryGetValue(path, out int token)) return token;
            _images.Add(path);
            return _tokens[path] = _images.Count - 1;
        }
    }

    private void Run()
    {
        try
        {
            var options = pool.Options;
            _step = "reading the dataset";
            var dataset = Dataset.Load(options.DataFolder!, GenderLabels.Options)
                .Validate(ValidationLevel.Header, options.Threads).Dataset;
            string split = dataset.Splits.Contains(SplitNames.Test) ? SplitNames.Test : dataset.Splits[^1];
            var test = dataset.Subset(split).Sample(options.DashboardEvaluationPerClass, options.DashboardSeed);
            var grid = test.Sample(SamplesPerClass, options.DashboardSeed);
            string source = Path.GetFileName(Path.TrimEndingDirectorySeparator(dataset.Root));
            TestSource = $"{source} ({split}, a seeded sample of {test.Items.Count})";
            _step = "averaging faces";
            using (var cache = PixelCache.Open(test, AveragePixels, new PixelCacheOptions { Threads = options.Threads }))
            {
                var averages = ClassAverages.Compute(test, cache);
                AveragePng = averages.SideBySide().EncodePng();
                Study = new DataStudy(dataset.ClassNames, split,
                    [.. dataset.Splits.Select(s => new SplitCount(s, dataset.CountByClass(s)))],
                    [.. dataset.Skipped.Select(s => new BadFile(Relative(dataset.Root, s.Path), s.Reason))],
                    [.. grid.Items.Select(i => new SampleImage(ImageToken(i.Path), i.ClassName))],
                    averages.Counts, test.Items.Count);
            }
            foreach (var model in pool.Models)
            {
                _step = $"evaluating {model.Name} on {test.Items.Count} {split} images";
                var copy = ServedModel.LoadClassifier(model.Source, options);
                var report = Evaluator.Evaluate(copy, test, new ModelEvaluationOptions
                {
                    Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
                    Abstain = options.AbstainBand,
                    Seed = options.DashboardSeed,
                });
                lock (_gate) _reports[model.Name] = report;
            }
            _step = "";
            _state = "ready";
        }
        catch (Exception e)
        {
            logger.LogError(e, "dashboard study failed");
            _error = e is IOException or InvalidDataException or UnauthorizedAccessException or Models.ModelFormatException
                ? e.Message.Replace(pool.Options.DataFolder ?? "\0", "DATA", StringComparison.Ordinal)
                : "the study failed; the server's log has the details";
            _state = "failed";
        }
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}

/// <summary>The data study: classes, the split evaluated, images per split and class, bad files, sample grid, averages.</summary>
internal sealed record DataStudy(IReadOnlyList<string> Classes, string EvaluatedSplit, IReadOnlyList<SplitCount> Splits,
    IReadOnlyList<BadFile> BadFiles, IReadOnlyList<SampleImage> Samples, IReadOnlyList<int> AverageCounts,
    int EvaluatedImages);

/// <summary>Images of each class in one split.</summary>
internal sealed record SplitCount(string Split, IReadOnlyList<int> Counts);

/// <summary>A file not taken, relative to the data folder, with the reason.</summary>
internal sealed record BadFile(string File, string Reason);

/// <summary>An image the dashboard may show, by token, with its label.</summary>
internal sealed record SampleImage(int Image, string Label);
