using GenderML.Classifiers;
using GenderML.Data;
using GenderML.FaceApi;
using GenderML.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GenderML.Onnx.Tests;

/// <summary>Real images from ../shared/data, the face-api weights of the checkout, and ONNX Runtime as the oracle.</summary>
internal static class OnnxFixture
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    public static string ModelsFolder => Path.Combine(Root.Value, "models", "face-api");

    /// <summary>The first <paramref name="perClass"/> test images of each class of the shared kaggle data (female first).</summary>
    public static string[] ImagePaths(int perClass)
    {
        string data = Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "data", "kaggle-gender", "test"));
        if (!Directory.Exists(data)) throw new InvalidOperationException($"{data}: the shared kaggle data is not beside the repository");
        return [.. new[] { "female", "male" }.SelectMany(c =>
            Directory.GetFiles(Path.Combine(data, c), "*.jpg").Order(StringComparer.Ordinal).Take(perClass))];
    }

    public static Image[] Images(int perClass) =>
        [.. ImagePaths(perClass).Select(p => Image.Load(p, new ImageLoadOptions { Format = PixelFormat.Rgb24 }))];

    /// <summary>A folder-per-class copy of a few images, for training tiny models.</summary>
    public static string CopyDataset(string root, int perClass)
    {
        foreach (string file in ImagePaths(perClass))
        {
            string label = Path.GetFileName(Path.GetDirectoryName(file))!;
            string target = Path.Combine(root, "data", label, Path.GetFileName(file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return Path.Combine(root, "data");
    }

    /// <summary>GenderML's own pixel samples of <paramref name="images"/> as an N×C×S×S 0–255 float input.</summary>
    public static float[] PixelInput(IReadOnlyList<Image> images, PreprocessOptions options)
    {
        byte[] hwc = ImageSample.WriteAll(images, options);
        int c = options.Channels, plane = options.Size * options.Size, per = c * plane;
        var chw = new float[images.Count * per];
        for (int n = 0; n < images.Count; n++)
        for (int ch = 0; ch < c; ch++)
        for (int p = 0; p < plane; p++)
            chw[n * per + ch * plane + p] = hwc[n * per + p * c + ch];
        return chw;
    }

    /// <summary>face-api's padded and resized 0–255 input of <paramref name="images"/> (mirrored first when asked).</summary>
    public static float[] FaceInput(IReadOnlyList<Image> images, int size, bool mirrored = false)
    {
        int plane = size * size, per = 3 * plane;
        var chw = new float[images.Count * per];
        for (int n = 0; n < images.Count; n++)
        {
            var image = mirrored ? images[n].FlipHorizontal() : images[n];
            float[] hwc = FaceApi.FaceInput.PaddedResizedHwc(image, size, centred: true);
            for (int ch = 0; ch < 3; ch++)
            for (int p = 0; p < plane; p++)
                chw[n * per + ch * plane + p] = hwc[p * 3 + ch];
        }
        return chw;
    }

    /// <summary>Runs <paramref name="model"/> in ONNX Runtime on N×C×S×S inputs; every output, flattened.</summary>
    public static Dictionary<string, float[]> Run(byte[] model, int batch, params (string Name, float[] Data)[] inputs)
    {
        using var session = new InferenceSession(model);
        var values = inputs.Select(i =>
        {
            var meta = session.InputMetadata[i.Name];
            int[] dims = [batch, .. meta.Dimensions[1..]];
            return NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Data, dims));
        }).ToList();
        using var results = session.Run(values);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }

    /// <summary>Asserts |a − b| ≤ tolerance for every value.</summary>
    public static void Near(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            if (!(d <= worst)) (worst, at) = (d, i);
        }
        Assert.True(worst <= tolerance, $"{what}: |GenderML − ONNX Runtime| = {worst:G3} at {at} ({expected[at]} vs {actual[at]}), tolerance {tolerance}");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenderML.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GenderML.sln above {AppContext.BaseDirectory}");
    }
}
