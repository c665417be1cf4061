using GenderML.Evaluation;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>
/// Image files decoded a chunk at a time for the networks that score them without a cache (evaluation under input
/// distortions, reframed pixel models). A file that fails gets its reason in <c>errors</c> and a null result; nothing is
/// dropped silently.
/// </summary>
internal static class FileImages
{
    /// <summary>The number of files decoded and run through a network at a time.</summary>
    public const int ChunkSize = 256;

    /// <summary>
    /// Decodes the files <paramref name="todo"/> (indices into <paramref name="paths"/>) <see cref="ChunkSize"/> at a time
    /// and hands each chunk's readable images, with their indices, to <paramref name="run"/>; unreadable files get their
    /// reason in <paramref name="errors"/>. Cancellation is checked before each chunk; <paramref name="computed"/> hears
    /// (done, to do) after each.
    /// </summary>
    public static void ForEachChunk(IReadOnlyList<string> paths, List<int> todo, InputDistortion? distortion, string?[] errors, ParallelOptions parallel,
        Action<int[], Image[]> run, Action<int, int>? computed)
    {
        for (int start = 0; start < todo.Count; start += ChunkSize)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            var chunk = todo.GetRange(start, Math.Min(ChunkSize, todo.Count - start));
            var images = Load(paths, chunk, distortion, errors, parallel);
            int[] good = [.. Enumerable.Range(0, chunk.Count).Where(k => images[k] is not null)];
            run([.. good.Select(k => chunk[k])], [.. good.Select(k => images[k]!)]);
            computed?.Invoke(start + chunk.Count, todo.Count);
        }
    }

    /// <summary>The images of <paramref name="chunk"/> (indices into <paramref name="paths"/>), distorted by <paramref name="distortion"/> when set.</summary>
    public static Image?[] Load(IReadOnlyList<string> paths, List<int> chunk, InputDistortion? distortion, string?[] errors, ParallelOptions parallel)
    {
        var images = new Image?[chunk.Count];
        Parallel.For(0, chunk.Count, parallel, k =>
        {
            int i = chunk[k];
            try
            {
                var image = Image.Load(paths[i]);
                images[k] = distortion is null ? image : distortion.Apply(image);
            }
            catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException)
            {
                errors[i] = e is ImageLoadException bad ? bad.Reason : e.Message;
            }
        });
        return images;
    }
}
