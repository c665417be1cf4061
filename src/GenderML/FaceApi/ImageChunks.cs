using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.FaceApi;

/// <summary>
/// Runs a frozen chain of layers over a batch a few images at a time (as many as the layers have threads, each layer's
/// work split by image), so that one chunk's feature maps stay in cache from layer to layer instead of a batch-sized
/// tensor going through memory at every layer. Each image's output is what the whole batch gives (the layers' results
/// do not depend on the batch an image comes in). Not thread-safe, as the layers it runs.
/// </summary>
internal sealed class ImageChunks(Sequential layers)
{
    private Tensor? _chunk, _rest, _output;

    /// <summary><paramref name="x"/> (N × …) through the layers, chunk by chunk when N exceeds a chunk.</summary>
    public Tensor Forward(Tensor x)
    {
        int n = x.Dim(0), size = Math.Max(1, layers.Compute.Threads);
        if (n <= size) return layers.Forward(x);
        int perImage = x.Length / n;
        int[] shape = x.ShapeArray();
        for (int start = 0; start < n; start += size)
        {
            int count = Math.Min(size, n - start);
            shape[0] = count;
            ref Tensor? slot = ref count == size ? ref _chunk : ref _rest;
            if (slot is null || !slot.HasShape(shape)) slot = new Tensor(shape);
            Array.Copy(x.Data, (long)start * perImage, slot.Data, 0, (long)count * perImage);
            Tensor y = layers.Forward(slot);
            int outPerImage = y.Length / count;
            if (_output is null || _output.Length != n * outPerImage || _output.Dim(0) != n
                || !_output.Shape[1..].SequenceEqual(y.Shape[1..]))
            {
                int[] outShape = y.ShapeArray();
                outShape[0] = n;
                _output = new Tensor(outShape);
            }
            Array.Copy(y.Data, 0, _output.Data, (long)start * outPerImage, (long)count * outPerImage);
        }
        return _output!;
    }
}
