using GenderML.Core.Kernels;
using GenderML.Core.Ops;
using GenderML.Core.Tests.Kernels;

namespace GenderML.Core.Tests.Ops;

/// <summary><see cref="MaxPoolArgmax.Forward"/> against <see cref="MaxPool2x2.Forward"/> (the same bits), and the
/// indices it records against the map they stand for: <see cref="MaxPoolArgmax.Backward"/> from them gives
/// <see cref="MaxPool2x2.Backward"/>'s gradient from the map, bit for bit, with ties and infinities on the vector and
/// the scalar path, and with signed zeros and NaNs too on the vector path (where the pool's scalar and vector steps
/// differ, for those, as <see cref="MaxPool2x2.Forward"/>'s own do).</summary>
public sealed class MaxPoolArgmaxTests
{
    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int h in new[] { 2, 4, 22 })
        foreach (int w in new[] { 2, 6, 22, 30, 32, 34, 48, 66 }) data.Add(h, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesThePoolAndRoutesAsItsBackward(int h, int w)
    {
        Check(h, w, [0f, 1f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity, 2f], [true, false]);
        Check(h, w, [0f, -0f, 1f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 2f], [true]);
    }

    private static unsafe void Check(int h, int w, float[] specials, bool[] paths)
    {
        const int planes = 5;
        int outPlane = h / 2 * (w / 2);
        var random = new Random(h * 1000 + w);
        var x = new float[planes * h * w];
        for (int i = 0; i < x.Length; i++)
            x[i] = random.Next(3) == 0 ? specials[random.Next(specials.Length)] : random.Next(4) - 1.5f;
        var expected = new float[planes * outPlane];
        MaxPool2x2.Forward(x, expected, h, w, 0, planes);
        var gy = KernelAssert.Random(expected.Length, 7);
        foreach (bool rectified in new[] { false, true })
        {
            var want = new float[x.Length];
            MaxPool2x2.Backward(x, expected, gy, want, h, w, 0, planes, rectified);
            foreach (bool vector in paths)
            {
                var y = new float[expected.Length];
                var argmax = new byte[expected.Length];
                var got = new float[x.Length];
                Array.Fill(got, float.NaN);
                fixed (float* px = x, py = y, pg = gy, pd = got)
                fixed (byte* pa = argmax)
                {
                    // Two parts, as the layer's threads split the planes.
                    MaxPoolArgmax.Forward(px, py, pa, h, w, 0, 2, vector);
                    MaxPoolArgmax.Forward(px, py, pa, h, w, 2, planes, vector);
                    MaxPoolArgmax.Backward(pa, py, pg, pd, h, w, 0, planes, rectified, vector);
                }
                string what = $"{h}×{w} vector={vector} rectified={rectified}";
                KernelAssert.BitIdentical(expected, y, what);
                KernelAssert.BitIdentical(want, got, what + " backward");
            }
        }
    }
}
