using System.Text.Json;
using GenderML.Core;

namespace GenderML.Tests.FaceApi;

/// <summary>Compares an NCHW feature map (batch item 0) with a golden intermediate record (NHWC first8/center8, sum, sumAbs).</summary>
internal static class GoldenStats
{
    public static void AssertMatches(string name, Tensor x, int item, JsonElement golden, double tol = 1e-4)
    {
        int c = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int[] gshape = golden.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.True(gshape[1] == h && gshape[2] == w && gshape[3] == c,
            $"{name}: shape {h}x{w}x{c} vs golden {string.Join("x", gshape)}");
        float At(int flatNhwc)
        {
            int ch = flatNhwc % c, pix = flatNhwc / c;
            return x.Data[((item * c + ch) * h + pix / w) * w + pix % w];
        }

        CheckValues(name + " first8", golden.GetProperty("first8"), i => At(i), tol);
        int centre = ((h >> 1) * w + (w >> 1)) * c;
        CheckValues(name + " center8", golden.GetProperty("center8"), i => At(centre + i), tol);
        double sum = 0, sumAbs = 0;
        int plane = c * h * w;
        foreach (float v in x.Data.AsSpan(item * plane, plane))
        {
            sum += v;
            sumAbs += Math.Abs(v);
        }

        double gSum = golden.GetProperty("sum").GetDouble(), gAbs = golden.GetProperty("sumAbs").GetDouble();
        Assert.True(Math.Abs(sumAbs - gAbs) <= tol * Math.Max(1, gAbs), $"{name}: sumAbs {sumAbs} vs {gAbs}");
        Assert.True(Math.Abs(sum - gSum) <= tol * Math.Max(1, gAbs), $"{name}: sum {sum} vs {gSum}");
    }

    public static void CheckValues(string name, JsonElement expected, Func<int, float> actual, double tol)
    {
        int i = 0;
        foreach (JsonElement e in expected.EnumerateArray())
        {
            double want = e.GetDouble(), got = actual(i);
            Assert.True(Math.Abs(got - want) <= tol * Math.Max(1, Math.Abs(want)), $"{name}[{i}]: {got} vs {want}");
            i++;
        }
    }
}
