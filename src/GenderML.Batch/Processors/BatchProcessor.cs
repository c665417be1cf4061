using System.Security.Cryptography;
using System.Text;
using GenderML.Imaging;

namespace GenderML.Batch.Processors;

/// <summary>
/// The work of one batch kind on a chunk of images: fills each row whose file was read (status <see cref="BatchRow.Ok"/>)
/// or sets its status to the reason it failed. One instance per task; the model is loaded once.
/// </summary>
/// <param name="model">The model's name, as written in every row.</param>
/// <param name="modelHash">The hash that identifies the model's weights and settings.</param>
internal abstract class BatchProcessor(string model, string modelHash)
{
    /// <summary>The model's name, as written in every row.</summary>
    public string Model { get; } = model;

    /// <summary>The hash that identifies the model's weights and settings.</summary>
    public string ModelHash { get; } = modelHash;

    /// <summary>Processes <paramref name="rows"/> (their files in <paramref name="files"/>).</summary>
    public abstract void Process(IReadOnlyList<BatchRow> rows, IReadOnlyList<string> files, int threads);

    /// <summary>The processor <paramref name="options"/> asks for, its model loaded.</summary>
    public static BatchProcessor Create(BatchOptions options, int threads) => options.Kind switch
    {
        BatchKind.Predict => PredictProcessor.Load(options, threads),
        BatchKind.Embed => EmbedProcessor.Load(options, threads),
        BatchKind.Detect => DetectProcessor.Load(options, threads),
        BatchKind.Inspect => new InspectProcessor(),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "unknown batch kind"),
    };

    /// <summary>
    /// Decodes the files of the rows still <see cref="BatchRow.Ok"/> with <paramref name="load"/>, in parallel; a file
    /// that fails gets its reason as status. Returns the rows' indices and images that decoded.
    /// </summary>
    protected static (int[] Rows, Image[] Images) Decode(IReadOnlyList<BatchRow> rows, IReadOnlyList<string> files, int threads,
        Func<string, Image> load)
    {
        var images = new Image?[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            if (rows[i].Status != BatchRow.Ok) return;
            try
            {
                var image = load(files[i]);
                images[i] = image;
                rows[i].Width = image.Width;
                rows[i].Height = image.Height;
            }
            catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException)
            {
                rows[i].Status = e is ImageLoadException bad ? bad.Reason : e.Message;
            }
        });
        int[] good = [.. Enumerable.Range(0, rows.Count).Where(i => images[i] is not null)];
        return (good, [.. good.Select(i => images[i]!)]);
    }

    /// <summary>The lowercase hex SHA-256 of <paramref name="text"/> (UTF-8).</summary>
    protected static string HashText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The lowercase hex SHA-256 of a file's bytes.</summary>
    protected static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
