using GenderML.Core.Optimizers;

namespace GenderML.Core.Tests.Optimizers;

/// <summary>The vectorised updates give bit-identical results to the plain loops, for every length.</summary>
public sealed class OptimizerKernelTests
{
    public static TheoryData<int> Lengths => [0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 6 * 16 + 7, 1000];

    private static float[] RandomArray(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sgd_matches_reference(int n)
    {
        foreach (float wd in new[] { 0f, 0.01f })
        {
            float[] w = RandomArray(n, 1), g = RandomArray(n, 2), expected = (float[])w.Clone();
            OptimizerKernels.Sgd(w, g, 0.1f, wd);
            OptimizerKernelsReference.Sgd(expected, g, 0.1f, wd);
            Assert.Equal(expected, w);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sgd_momentum_matches_reference(int n)
    {
        foreach (bool nesterov in new[] { false, true })
        {
            float[] w = RandomArray(n, 1), g = RandomArray(n, 2), b = RandomArray(n, 3);
            float[] we = (float[])w.Clone(), be = (float[])b.Clone();
            for (int step = 0; step < 3; step++)
            {
                OptimizerKernels.SgdMomentum(w, g, b, 0.05f, 0.9f, 0.01f, nesterov);
                OptimizerKernelsReference.SgdMomentum(we, g, be, 0.05f, 0.9f, 0.01f, nesterov);
            }
            Assert.Equal(we, w);
            Assert.Equal(be, b);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Adam_matches_reference(int n)
    {
        var plain = new AdamScalars(1f, 0f, 0.9f, 0.1f, 0.999f, 0.001f, 0.0316f, 1e-8f, -0.01f);
        var decayed = plain with { Decay = 0.999f, L2 = 0.1f };
        foreach (var s in new[] { plain, decayed })
        {
            float[] w = RandomArray(n, 1), g = RandomArray(n, 2), m = RandomArray(n, 3), v = RandomArray(n, 4).Select(Math.Abs).ToArray();
            float[] we = (float[])w.Clone(), me = (float[])m.Clone(), ve = (float[])v.Clone();
            OptimizerKernels.Adam(w, g, m, v, s);
            OptimizerKernelsReference.Adam(we, g, me, ve, s);
            Assert.Equal(we, w);
            Assert.Equal(me, m);
            Assert.Equal(ve, v);
        }
    }
}
