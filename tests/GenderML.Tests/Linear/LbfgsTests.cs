using GenderML.Linear;

namespace GenderML.Tests.Linear;

public sealed class LbfgsTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public void Minimises_rosenbrock(int dims)
    {
        // f = Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at all-ones.
        static double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            g.Clear();
            for (int i = 0; i + 1 < x.Length; i++)
            {
                double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
                f += 100 * a * a + b * b;
                g[i] += -400 * a * x[i] - 2 * b;
                g[i + 1] += 200 * a;
            }
            return f;
        }
        var x0 = Enumerable.Repeat(-1.2, dims).ToArray();
        var r = Lbfgs.Minimize(F, x0, new LbfgsOptions { GradientTolerance = 1e-9, RelativeTolerance = 0, MaxIterations = 2000 });
        Assert.Equal(LbfgsStop.GradientTolerance, r.Stop);
        foreach (double v in r.X) Assert.Equal(1.0, v, 6);
    }

    [Fact]
    public void Quadratic_minimum_is_exact_and_starting_at_it_stops_at_once()
    {
        double[] centre = [3, -2, 0.5];
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < x.Length; i++) { double d = x[i] - centre[i]; f += (i + 1) * d * d; g[i] = 2 * (i + 1) * d; }
            return f;
        }
        var r = Lbfgs.Minimize(F, new double[3], new LbfgsOptions { GradientTolerance = 1e-12, RelativeTolerance = 0 });
        for (int i = 0; i < 3; i++) Assert.Equal(centre[i], r.X[i], 10);
        var again = Lbfgs.Minimize(F, centre, new LbfgsOptions());
        Assert.Equal(0, again.Iterations);
        Assert.Equal(LbfgsStop.GradientTolerance, again.Stop);
    }

    [Fact]
    public void Cancelling_mid_run_stops_it()
    {
        using var cts = new CancellationTokenSource();
        static double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < x.Length; i++) { f += Math.Cosh(x[i] - i); g[i] = Math.Sinh(x[i] - i); }
            return f;
        }
        int seen = 0;
        Assert.Throws<OperationCanceledException>(() => Lbfgs.Minimize(F, new double[8],
            new LbfgsOptions { GradientTolerance = 0, RelativeTolerance = 0, MaxIterations = 1000 },
            p => { seen = p.Iteration; if (p.Iteration == 2) cts.Cancel(); }, cts.Token));
        Assert.Equal(2, seen);
    }
}
