using GenderML.Imaging;
using Microsoft.Extensions.Logging;

namespace GenderML.Web;

/// <summary>
/// The models an app serves, loaded once and shared by every request (the pattern of ML.NET's PredictionEnginePool):
/// each model's predictions go through one batching queue, so concurrent calls are safe and run together through the
/// network. Register it with <c>services.AddGenderClassifier(...)</c>.
/// </summary>
public sealed class GenderClassifierPool : IAsyncDisposable
{
    private readonly Dictionary<string, ServedModel> _byName;

    /// <summary>Loads <see cref="GenderMLWebOptions.Model"/> and every <c>*.zip</c> of <see cref="GenderMLWebOptions.ModelsFolder"/>.</summary>
    /// <exception cref="FileNotFoundException">A model file or the models folder does not exist.</exception>
    /// <exception cref="Models.ModelFormatException">A file is not a valid GenderML model.</exception>
    public GenderClassifierPool(GenderMLWebOptions options, ILogger<GenderClassifierPool>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var models = new List<ServedModel> { Load(options.Model, logger) };
        if (options.ModelsFolder is { } folder)
        {
            if (!Directory.Exists(folder))
                throw new DirectoryNotFoundException($"{folder}: no such models folder (GenderMLWebOptions.ModelsFolder)");
            foreach (string file in Directory.GetFiles(folder, "*.zip").Order(StringComparer.Ordinal))
                if (!models.Any(m => m.Name == Path.GetFileNameWithoutExtension(file))) models.Add(Load(file, logger));
        }
        Models = models;
        _byName = models.ToDictionary(m => m.Name, StringComparer.Ordinal);
    }

    /// <summary>The options the pool was made with.</summary>
    public GenderMLWebOptions Options { get; }

    /// <summary>The served models, the default one first.</summary>
    public IReadOnlyList<ServedModel> Models { get; }

    /// <summary>The model served when a request names none (<see cref="GenderMLWebOptions.Model"/>).</summary>
    public ServedModel Default => Models[0];

    internal WebMetrics Metrics { get; } = new();

    /// <summary>The model named <paramref name="name"/>, or null.</summary>
    public ServedModel? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Predicts <paramref name="image"/> with <paramref name="model"/> (null: <see cref="Default"/>): every face the
    /// detector finds when <paramref name="detectFaces"/> (or the model takes photos), else the image as one face crop.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No model is named <paramref name="model"/>.</exception>
    /// <exception cref="ServerBusyException">The model's queue is full.</exception>
    public Task<ImagePredictionResult> PredictAsync(Image image, bool detectFaces = false, string? model = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var served = model is null ? Default : Find(model) ?? throw new KeyNotFoundException($"no model named '{model}'");
        return served.Batcher.PredictAsync(image, detectFaces, cancellation);
    }

    private ServedModel Load(string model, ILogger? logger)
    {
        var served = ServedModel.Load(model, Options, Metrics);
        logger?.LogInformation("serving model {Name} ({Kind}, version {Version})", served.Name, served.Info.Kind, served.Version);
        return served;
    }

    /// <summary>Lets every queued prediction finish, then stops the queues.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var model in Models) await model.Batcher.DisposeAsync().ConfigureAwait(false);
    }
}
