using GenderML.Imaging;

namespace GenderML.Data;

public sealed partial class PixelCache
{
    private const int BlockItems = 1024;
    private const int ChunkItems = 16;

    /// <summary>
    /// The samples of the files <paramref name="items"/> (indices into <paramref name="paths"/>) from their
    /// <paramref name="bytes"/>, decoded on <paramref name="threads"/> threads in fixed chunks; with a framing, the
    /// decoded
    /// images are framed a batch at a time afterwards (a detector runs its own threads).
    /// </summary>
    private static void Decode(string[] paths, IReadOnlyList<int> items, byte[][] bytes, PreprocessOptions options, byte[] values, string?[] errors,
        int threads, CancellationToken cancellation)
    {
        int per = options.BytesPerImage;
        var unframed = options.Framing is null ? null : new Image?[items.Count];
        ParallelChunks.For(items.Count, ChunkItems, threads, (s, e) =>
        {
            for (int k = s; k < e && !cancellation.IsCancellationRequested; k++)
                errors[k] = DecodeOne(paths[items[k]], bytes[k], options, values.AsSpan(k * per, per), unframed, k);
        });
        cancellation.ThrowIfCancellationRequested();
        if (unframed is not null) FrameBlock(options, unframed, values, per, cancellation);
    }

    /// <summary>
    /// Decodes one file into <paramref name="destination"/> (or, with a framing, into <paramref
    /// name="unframed"/>[<paramref name="slot"/>]); the error if it fails.
    /// </summary>
    private static string? DecodeOne(string path, byte[] bytes, PreprocessOptions options, Span<byte> destination, Image?[]? unframed, int slot)
    {
        try
        {
            if (unframed is null) Preprocessor.Load(bytes, path, options, destination);
            else unframed[slot] = Preprocessor.Decode(bytes, path, options);
            return null;
        }
        catch (ImageLoadException e)
        {
            return e.Reason;
        }
        catch (Exception e) when (e is not (DllNotFoundException or OutOfMemoryException))
        {
            return $"decoder failed: {e.GetType().Name}: {e.Message}"; // a decoder bug must not stop a 200,000-image build; the file is listed with the error
        }
    }

    /// <summary>
    /// Frames the images decoded into <paramref name="unframed"/> (slot k is sample k of <paramref name="block"/>) and
    /// writes their samples.
    /// </summary>
    private static void FrameBlock(PreprocessOptions options, Image?[] unframed, byte[] block, int per, CancellationToken cancellation)
    {
        const int Batch = 64;
        var slots = new List<int>(Batch);
        for (int k = 0; k < unframed.Length; k++)
        {
            if (slots.Count == 0) cancellation.ThrowIfCancellationRequested();
            if (unframed[k] is not null) slots.Add(k);
            if (slots.Count == Batch || (k == unframed.Length - 1 && slots.Count > 0))
            {
                var images = new Image[slots.Count];
                for (int j = 0; j < slots.Count; j++) images[j] = unframed[slots[j]]!;
                var framed = options.Framing!.Frame(images);
                for (int j = 0; j < slots.Count; j++) Preprocessor.Write(framed[j], options, block.AsSpan(slots[j] * per, per));
                slots.Clear();
            }
        }
    }
}
