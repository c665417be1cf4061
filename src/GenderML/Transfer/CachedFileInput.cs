using System.Security.Cryptography;
using GenderML.Evaluation;
using GenderML.Imaging;

namespace GenderML.Transfer;

/// <summary>
/// The two file steps shared by the disk caches of network outputs (<see cref="Embedder"/>, <see cref="PrefixRunner"/>):
/// content hashes as cache keys, and decoding the files the caches lack. A file that fails gets its reason in
/// <c>errors</c> and a null result; nothing is dropped silently.
/// </summary>
internal static class CachedFileInput
{
    /// <summary>The lowercase hex SHA-256 of each file's content.</summary>
    public static string?[] Hash(IReadOnlyList<string> paths, string?[] errors, ParallelOptions parallel)
    {
        var hashes = new string?[paths.Count];
        Parallel.For(0, paths.Count, parallel, i =>
        {
            try
            {
                using var stream = File.OpenRead(paths[i]);
                hashes[i] = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors[i] = e.Message;
            }
        });
        return hashes;
    }

    /// <summary>The images of <paramref name="chunk"/> (indices into <paramref name="paths"/>), reframed by <paramref name="reframe"/> when it is below 1.</summary>
    public static Image?[] Load(IReadOnlyList<string> paths, List<int> chunk, double? reframe, string?[] errors, ParallelOptions parallel)
    {
        var images = new Image?[chunk.Count];
        Parallel.For(0, chunk.Count, parallel, k =>
        {
            int i = chunk[k];
            try
            {
                var image = Image.Load(paths[i]);
                images[k] = reframe is { } f and < 1 ? Reframing.Reframe(image, f) : image;
            }
            catch (Exception e) when (e is ImageLoadException or IOException or UnauthorizedAccessException)
            {
                errors[i] = e is ImageLoadException bad ? bad.Reason : e.Message;
            }
        });
        return images;
    }
}
