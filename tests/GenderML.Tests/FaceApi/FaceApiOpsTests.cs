using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.FaceApi;
using GenderML.Imaging;

namespace GenderML.Tests.FaceApi;

/// <summary>
/// The face-api conventions the ports depend on, checked on tiny hand-made inputs (faceapi-models.md §3, §9);
/// TensorFlow's padding for convolutions and pools is tested with Core's layers (LayerBehaviourTests).
/// </summary>
public sealed class FaceApiOpsTests
{
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
    public void LeakyReluWithSlopeOneTenthGivesFaceApisValues()
    {
        var y = new LeakyReLU(0.1f).Forward(new Tensor([3], [-2f, 0f, 3f]));
        Assert.Equal(new[] { -0.2f, 0f, 3f }, y.Data);
    }

    [Fact]
    public void FoldedScaleEqualsConvThenScale()
    {
        var rng = new Random(7);
        var conv = new Conv2d(3, 2, 3, rng, 1, ConvPadding.Same);
        var folded = new Conv2d(3, 2, 3, rng, 1, ConvPadding.Same);
        conv.Weight.Value.Data.CopyTo(folded.Weight.Value.Data, 0);
        conv.Bias!.Value.Data.CopyTo(folded.Bias!.Value.Data, 0);
        TfjsLayers.FoldScale(folded, [2f, -0.5f], [1f, 3f]);
        var x = new Tensor([1, 3, 5, 4], Enumerable.Range(0, 60).Select(_ => (float)rng.NextDouble()).ToArray());
        float[] plain = conv.Forward(x).Data, got = folded.Forward(x).Data;
        for (int i = 0; i < plain.Length; i++)
        {
            float expected = i < 20 ? plain[i] * 2f + 1f : plain[i] * -0.5f + 3f;
            float tolerance = 1e-5f * Math.Max(1, Math.Abs(expected));
            Assert.True(Math.Abs(expected - got[i]) <= tolerance, $"{i}: {got[i]} vs {expected}");
        }
    }

    [Fact]
    public void ModelOptionsRejectAMissingFolderWithTheFix()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => AgeGenderNet.Load("/nonexistent/face-api"));
        Assert.Contains("scripts/fetch-models.sh", ex.Message);
    }
}
