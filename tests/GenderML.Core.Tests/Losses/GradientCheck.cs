namespace GenderML.Core.Tests.Losses;

/// <summary>Central finite differences of a scalar function of a float vector, compared with an analytic gradient.</summary>
internal static class GradientCheck
{
    /// <summary>Asserts ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for every i.</summary>
    public static void AssertMatches(float[] x, Func<float[], double> f, ReadOnlySpan<float> analytic, double h = 1e-2, double tolerance = 1e-2)
    {
        Assert.Equal(x.Length, analytic.Length);
        for (int i = 0; i < x.Length; i++)
        {
            float saved = x[i];
            x[i] = saved + (float)h;
            double plus = f(x);
            x[i] = saved - (float)h;
            double minus = f(x);
            x[i] = saved;
            double step = (double)(saved + (float)h) - (saved - (float)h); // the step actually taken in float
            double numeric = (plus - minus) / step;
            double scale = Math.Max(1e-2, Math.Abs(numeric));
            if (!(Math.Abs(numeric - analytic[i]) <= tolerance * scale))
                Assert.Fail($"∂f/∂x[{i}]: finite difference {numeric:G6}, analytic {analytic[i]:G6}");
        }
    }
}
