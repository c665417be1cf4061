using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Ops;

namespace GenderML.Core.Tests.Layers;

/// <summary>The vectorised 2×2 max pooling against the general loop (a 2×2 window with stride 2 given as an explicit Symmetric(0) geometry goes through it too, so the reference is the naive definition here).</summary>
public sealed class MaxPool2x2Tests
{
    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int h in new[] { 2, 3, 5 })
            foreach (int w in new[] { 2, 3, 16, 31, 32, 33, 34, 48, 65 }) data.Add(h, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesNaiveDefinitionWithTies(int h, int w)
    {
        var random = new Random(h * 100 + w);
        var x = new Tensor(2, 3, h, w);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.Next(4);   // many ties
        var pool = new MaxPool2d(2);
        var y = pool.Forward(x);
        var gy = new Tensor(y.ShapeArray());
        for (int i = 0; i < gy.Length; i++) gy.Data[i] = i + 1;
        var gx = pool.Backward(gy);
        int oh = h / 2, ow = w / 2;
        var expectedGx = new float[x.Length];
        for (int p = 0; p < 6; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            float best = float.NegativeInfinity; int at = -1;
            for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                int idx = p * h * w + (2 * oy + i) * w + 2 * ox + j;
                if (x.Data[idx] > best) { best = x.Data[idx]; at = idx; }
            }
            int o = (p * oh + oy) * ow + ox;
            Assert.Equal(best, y.Data[o]);
            expectedGx[at] += gy.Data[o];
        }
        Assert.Equal(expectedGx, gx.Data);
        pool.Backward(gy).AsSpan().Fill(float.NaN); // the reused buffer's uncovered row and column must be cleared again
        Assert.Equal(expectedGx, pool.Backward(gy).Data);
    }

    [Fact]
    public void ResultsDoNotDependOnThreads()
    {
        var x = GradCheck.Uniform(3, 8, 16, 24, 24);
        var one = new MaxPool2d(2); one.SetCompute(ComputeOptions.SingleThreaded);
        var two = new MaxPool2d(2); two.SetCompute(new ComputeOptions { Threads = 2 });
        Assert.Equal(one.Forward(x).Data, two.Forward(x).Data);
        var g = GradCheck.Uniform(4, 8, 16, 12, 12);
        Assert.Equal(one.Backward(g).Data, two.Backward(g).Data);
    }
}
