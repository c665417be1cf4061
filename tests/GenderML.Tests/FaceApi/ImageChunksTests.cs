using GenderML.Core;
using GenderML.FaceApi;

namespace GenderML.Tests.FaceApi;

/// <summary>
/// A batch through the face-api networks that run it image by image (ImageChunks): every image's output is the one it
/// gets alone on one thread, bit for bit, on 1–3 threads, whatever the batch size and call order.
/// </summary>
public sealed class ImageChunksTests
{
    private static Tensor RandomBatch(int n, int size, int seed)
    {
        var random = new Random(seed);
        var x = new Tensor(n, 3, size, size);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    private static Tensor Image(Tensor x, int i)
    {
        int perImage = x.Length / x.Dim(0);
        int[] shape = x.ShapeArray();
        shape[0] = 1;
        var one = new Tensor(shape);
        Array.Copy(x.Data, i * perImage, one.Data, 0, perImage);
        return one;
    }

    private static void AssertEachImageAsAlone(Func<int, Func<Tensor, Tensor>> build, int size)
    {
        var alone = build(1);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var net = build(threads);
            foreach (var (n, seed) in new[] { (5, 1), (5, 2), (2, 3), (7, 4) })
            {
                Tensor x = RandomBatch(n, size, seed);
                float[] batch = net(x).Data.ToArray();
                int perImage = batch.Length / n;
                for (int i = 0; i < n; i++)
                {
                    float[] expected = alone(Image(x, i)).Data;
                    Assert.Equal(perImage, expected.Length);
                    for (int k = 0; k < perImage; k++)
                        Assert.True(BitConverter.SingleToInt32Bits(expected[k]) == BitConverter.SingleToInt32Bits(batch[i * perImage + k]),
                            $"threads {threads}, batch {n}, image {i}, value {k}: {batch[i * perImage + k]} vs {expected[k]} alone");
                }
            }
        }
    }

    [Fact]
    public void TinyXceptionGivesEachImageItsOwnResult()
    {
        var w = TfjsWeights.Load(FaceApiFixture.ModelsFolder, "age_gender_model");
        AssertEachImageAsAlone(t =>
        {
            var net = new TinyXception(w, new ComputeOptions { Threads = t });
            return x => net.Forward(x);
        }, 112);
    }

    [Fact]
    public void TinyDetectorGivesEachImageItsOwnResult()
    {
        var w = TfjsWeights.Load(FaceApiFixture.ModelsFolder, "tiny_face_detector_model");
        AssertEachImageAsAlone(t =>
        {
            var net = new TinyFaceDetectorNet(w, new ComputeOptions { Threads = t });
            return x => net.Forward(x);
        }, 128);
    }

    [Fact]
    public void ABatchAllocatesNothingOnceWarm()
    {
        var w = TfjsWeights.Load(FaceApiFixture.ModelsFolder, "age_gender_model");
        var net = new TinyXception(w, new ComputeOptions { Threads = 2 });
        Tensor x = RandomBatch(4, 112, 5);
        for (int i = 0; i < 3; i++) net.Forward(x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) net.Forward(x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
