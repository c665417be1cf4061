using GenderML.Core.Kernels;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Layers;

/// <summary>The direct single-channel weight gradient against the naive convolution reference, over shapes around the vector width.</summary>
public sealed class SingleChannelConvWeightGradTests
{
    [Theory]
    [InlineData(1, 1, 1, 1, 1)]
    [InlineData(2, 3, 5, 5, 3)]
    [InlineData(3, 4, 17, 18, 3)]
    [InlineData(2, 2, 19, 33, 3)]
    [InlineData(2, 5, 20, 50, 5)]
    [InlineData(1, 2, 9, 16, 1)]
    public void MatchesNaiveReference(int batch, int outChannels, int height, int width, int kernel)
    {
        var g = new ConvGeometry(batch, 1, height, width, outChannels, kernel, kernel);
        Assert.True(SingleChannelConvWeightGrad.Handles(g));
        var random = new Random(batch * 1000 + width);
        float[] Rand(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = random.NextSingle() - 0.5f; return a; }
        var x = Rand(g.InputLength);
        var dy = Rand(g.OutputLength);
        var dw = Rand(g.WeightLength);
        var db = Rand(outChannels);
        var dwRef = (float[])dw.Clone();
        var dbRef = (float[])db.Clone();
        ConvolutionReference.BackwardWeight(g, x, dy, dwRef, dbRef);
        foreach (int threads in new[] { 1, 2 })
        {
            var dwFast = (float[])dw.Clone();
            var dbFast = (float[])db.Clone();
            new SingleChannelConvWeightGrad().Run(g, x, dy, dwFast, dbFast, threads);
            for (int i = 0; i < dw.Length; i++) Assert.Equal(dwRef[i], dwFast[i], 3e-4f);
            for (int i = 0; i < db.Length; i++) Assert.Equal(dbRef[i], dbFast[i], 3e-4f);
        }
    }
}
