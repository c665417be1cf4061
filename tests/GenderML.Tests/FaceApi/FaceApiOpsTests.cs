using GenderML.Core;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Tests.FaceApi;

/// <summary>The TensorFlow conventions the ports depend on, checked on tiny hand-made inputs (faceapi-models.md §3, §9).</summary>
public sealed class FaceApiOpsTests
{
    [Theory]
    [InlineData(112, 3, 2, 56, 0, 1)] // stride 2 on an even input: the only padding is bottom/right
    [InlineData(56, 1, 2, 28, 0, 0)]  // 1×1 stride 2 'same': no padding, samples pixels 0, 2, 4, …
    [InlineData(13, 2, 1, 13, 0, 1)]  // tiny detector's last max-pool
    [InlineData(7, 3, 1, 7, 1, 1)]
    public void SamePaddingPutsTheOddPixelBottomRight(int size, int k, int stride, int outSize, int before, int after)
        => Assert.Equal((outSize, before, after), TfPadding.Axis(Padding.Same, size, k, stride));

    [Fact]
    public void ValidPaddingMatchesTensorFlow()
    {
        Assert.Equal((72, 0, 0), TfPadding.Axis(Padding.Valid, 150, 7, 2));
        Assert.Equal((35, 0, 0), TfPadding.Axis(Padding.Valid, 72, 3, 2));
        Assert.Equal((3, 0, 0), TfPadding.Axis(Padding.Valid, 8, 3, 2));
    }

    [Fact]
    public void MaxPoolIgnoresPaddedCells()
    {
        var x = new Tensor([1, 1, 2, 2], [-5, -6, -7, -8]);
        Tensor y = Pooling.Max(x, 3, 2, Padding.Same);
        Assert.Equal(new float[] { -5 }, y.Data); // zero padding would give 0
    }

    [Theory]
    [InlineData(14.5, 15)]
    [InlineData(-0.5, 0)]
    [InlineData(2.4999, 2)]
    public void JsRoundRoundsHalvesUp(double x, int expected) => Assert.Equal(expected, FaceInput.JsRound(x));

    [Fact]
    public void CentredPaddingSplitsOddDifferenceLikeJavaScript()
    {
        // 150 wide, 121 high: diff 29 → 15 rows appended (bottom), 14 prepended (top).
        var img = new Image(150, 121, PixelFormat.Rgb24, Enumerable.Repeat((byte)200, 150 * 121 * 3).ToArray());
        float[] hwc = FaceInput.PaddedResizedHwc(img, 150, centred: true);
        Assert.Equal(0f, hwc[(13 * 150) * 3]);
        Assert.Equal(200f, hwc[(14 * 150) * 3]);
        Assert.Equal(200f, hwc[(134 * 150) * 3]);
        Assert.Equal(0f, hwc[(135 * 150) * 3]);
    }

    [Fact]
    public void DetectorPaddingIsBottomRightOnly()
    {
        var img = new Image(4, 2, PixelFormat.Gray8, Enumerable.Repeat((byte)9, 8).ToArray());
        float[] hwc = FaceInput.PaddedResizedHwc(img, 4, centred: false);
        Assert.Equal(9f, hwc[0]);
        Assert.Equal(9f, hwc[(1 * 4 + 3) * 3 + 2]);
        Assert.Equal(0f, hwc[(2 * 4) * 3]);
    }

    [Fact]
    public void LegacyBilinearSamplesAtDstTimesRatioWithoutHalfPixelOffset()
    {
        // 1×4 row [0, 10, 20, 30] → 1×2: src columns 0 and 2 exactly (no antialias, no half-pixel centres).
        float[] y = LegacyBilinear.Resize([0, 10, 20, 30], 1, 4, 1, 1, 2);
        Assert.Equal(new float[] { 0, 20 }, y);
        // 1×2 → 1×3: src = 0, 2/3, 4/3 (clamped to the last column).
        float[] up = LegacyBilinear.Resize([0, 30], 1, 2, 1, 1, 3);
        Assert.Equal(0f, up[0]);
        Assert.Equal(20f, up[1], 5);
        Assert.Equal(30f, up[2]);
    }

    [Fact]
    public void SimdActivationsMatchScalarAtEveryLength()
    {
        var rng = new Random(3);
        foreach (int n in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 33, 6 * 512 + 7 })
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
            foreach (Activation act in new[] { Activation.Relu, Activation.Relu6, Activation.Leaky })
            {
                float[] y = (float[])x.Clone();
                Activations.Apply(act, y);
                for (int i = 0; i < n; i++)
                {
                    float m = x[i] * 0.1f;
                    float want = act switch { Activation.Relu => MathF.Max(x[i], 0), Activation.Relu6 => MathF.Min(MathF.Max(x[i], 0), 6), _ => MathF.Max(x[i] - m, 0) + m };
                    Assert.Equal(want, y[i]);
                }
            }

            float[] a = (float[])x.Clone();
            Activations.Add(a, x);
            for (int i = 0; i < n; i++) Assert.Equal(x[i] + x[i], a[i]);
        }
    }

    [Fact]
    public void LeakyReluMatchesFaceApiFormula()
    {
        float[] x = [-2f, 0f, 3f];
        Activations.Apply(Activation.Leaky, x);
        Assert.Equal(new[] { -0.2f, 0f, 3f }, x);
    }

    [Fact]
    public void FoldedAffineEqualsConvThenScale()
    {
        var rng = new Random(7);
        float[] w = Enumerable.Range(0, 2 * 3 * 9).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var conv = new ConvLayer(w, [0.1f, -0.2f], 3, 2, 3, 1, Padding.Same, Activation.None);
        var x = new Tensor([1, 3, 5, 4], Enumerable.Range(0, 60).Select(_ => (float)rng.NextDouble()).ToArray());
        Tensor plain = conv.Forward(x, ComputeOptions.SingleThreaded);
        Tensor folded = conv.FoldAffine([2f, -0.5f], [1f, 3f]).Forward(x, ComputeOptions.SingleThreaded);
        for (int i = 0; i < plain.Length; i++)
        {
            float expected = i < 20 ? plain.Data[i] * 2f + 1f : plain.Data[i] * -0.5f + 3f;
            Assert.True(Math.Abs(expected - folded.Data[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected)), $"{i}: {folded.Data[i]} vs {expected}");
        }
    }

    [Fact]
    public void ModelOptionsRejectAMissingFolderWithTheFix()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => AgeGenderNet.Load("/nonexistent/face-api"));
        Assert.Contains("scripts/fetch-models.sh", ex.Message);
    }
}
