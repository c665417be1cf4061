namespace GenderML.Linear;

/// <summary>f(x) and its gradient: returns f(x) and writes ∇f(x) into <paramref name="gradient"/>.</summary>
internal delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Why <see cref="Lbfgs.Minimize"/> stopped.</summary>
internal enum LbfgsStop
{
    /// <summary>max |∇f| fell to the gradient tolerance.</summary>
    GradientTolerance,
    /// <summary>The relative decrease of f in one iteration fell to the function tolerance.</summary>
    RelativeDecrease,
    /// <summary>The iteration limit was reached first.</summary>
    MaxIterations,
    /// <summary>The line search found no acceptable step (usually: f is as low as float rounding allows).</summary>
    LineSearchFailed,
}

/// <summary>Settings of <see cref="Lbfgs.Minimize"/>.</summary>
internal sealed record LbfgsOptions
{
    /// <summary>Correction pairs kept (m).</summary>
    public int History { get; init; } = 10;

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Stop when max |∇f(x)| ≤ this (scipy's <c>gtol</c>).</summary>
    public double GradientTolerance { get; init; } = 1e-5;

    /// <summary>Stop when (f_prev − f) / max(|f_prev|, |f|, 1) ≤ this (scipy's <c>ftol</c>); 0 disables.</summary>
    public double RelativeTolerance { get; init; } = 2.220446049250313e-09;

    /// <summary>Function evaluations allowed per line search.</summary>
    public int MaxLineSearchSteps { get; init; } = 25;
}

/// <summary>One iteration's state, for progress reports.</summary>
internal readonly record struct LbfgsProgress(int Iteration, double Value, double GradientMaxAbs, int Evaluations);

/// <summary>The outcome of a minimisation.</summary>
internal sealed record LbfgsResult(double[] X, double Value, double GradientMaxAbs, int Iterations, int Evaluations, LbfgsStop Stop);

/// <summary>
/// Limited-memory BFGS: minimises a smooth f by quasi-Newton steps whose inverse-Hessian estimate is
/// built from the last m pairs (s, y) = (x_{k+1} − x_k, ∇f_{k+1} − ∇f_k) by the two-loop recursion,
/// scaled by γ = sᵀy / yᵀy, with a strong-Wolfe line search (c1 = 1e-4, c2 = 0.9).
/// </summary>
/// <remarks>Nocedal &amp; Wright, Numerical Optimization (2nd ed.), algorithms 7.4, 7.5, 3.5 and 3.6.</remarks>
internal static class Lbfgs
{
    internal static LbfgsResult Minimize(Objective f, ReadOnlySpan<double> x0, LbfgsOptions options,
        Action<LbfgsProgress>? progress = null, CancellationToken cancellation = default)
    {
        int n = x0.Length, m = options.History;
        var x = x0.ToArray();
        var g = new double[n];
        var p = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var s = new double[m][];
        var y = new double[m][];
        var rho = new double[m];
        var alpha = new double[m];
        for (int i = 0; i < m; i++) { s[i] = new double[n]; y[i] = new double[n]; }
        int stored = 0, head = 0, evaluations = 1, iteration = 0;
        double fx = f(x, g);
        double gmax = MaxAbs(g);
        var stop = LbfgsStop.MaxIterations;
        if (gmax <= options.GradientTolerance) stop = LbfgsStop.GradientTolerance;
        while (stop == LbfgsStop.MaxIterations && iteration < options.MaxIterations)
        {
            cancellation.ThrowIfCancellationRequested();
            Direction(g, p, s, y, rho, alpha, stored, head, m);
            double slope = Dot(g, p);
            if (!(slope < 0))
            {
                // Not a descent direction (curvature information gone bad): restart from steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) p[i] = -g[i];
                slope = Dot(g, p);
            }
            double step = iteration == 0 && stored == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(g, g))) : 1.0;
            var search = new LineSearch(f, x, fx, slope, p, xNew, gNew, options.MaxLineSearchSteps);
            bool found = search.Run(step, out double fNew);
            evaluations += search.Evaluations;
            if (!found) { stop = LbfgsStop.LineSearchFailed; break; }

            int slot = head;
            double sy = 0, yy = 0;
            for (int i = 0; i < n; i++)
            {
                double si = xNew[i] - x[i], yi = gNew[i] - g[i];
                s[slot][i] = si;
                y[slot][i] = yi;
                sy += si * yi;
                yy += yi * yi;
            }
            if (sy > 1e-10 * yy && sy > 0)
            {
                rho[slot] = 1 / sy;
                head = (head + 1) % m;
                stored = Math.Min(stored + 1, m);
            }
            double fPrev = fx;
            xNew.CopyTo(x, 0);
            gNew.CopyTo(g, 0);
            fx = fNew;
            gmax = MaxAbs(g);
            iteration++;
            progress?.Invoke(new LbfgsProgress(iteration, fx, gmax, evaluations));
            if (gmax <= options.GradientTolerance) stop = LbfgsStop.GradientTolerance;
            else if ((fPrev - fx) / Math.Max(Math.Max(Math.Abs(fPrev), Math.Abs(fx)), 1) <= options.RelativeTolerance)
                stop = LbfgsStop.RelativeDecrease;
        }
        return new LbfgsResult(x, fx, gmax, iteration, evaluations, stop);
    }

    /// <summary>p = −H·g by the two-loop recursion over the stored pairs, newest first.</summary>
    private static void Direction(double[] g, double[] p, double[][] s, double[][] y, double[] rho, double[] alpha, int stored, int head, int m)
    {
        for (int i = 0; i < p.Length; i++) p[i] = -g[i];
        for (int k = 0; k < stored; k++)
        {
            int j = (head - 1 - k + 2 * m) % m;
            alpha[j] = rho[j] * Dot(s[j], p);
            Axpy(-alpha[j], y[j], p);
        }
        if (stored > 0)
        {
            int newest = (head - 1 + m) % m;
            double gamma = 1 / (rho[newest] * Dot(y[newest], y[newest]));
            for (int i = 0; i < p.Length; i++) p[i] *= gamma;
        }
        for (int k = stored - 1; k >= 0; k--)
        {
            int j = (head - 1 - k + 2 * m) % m;
            double beta = rho[j] * Dot(y[j], p);
            Axpy(alpha[j] - beta, s[j], p);
        }
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    internal static double MaxAbs(ReadOnlySpan<double> v)
    {
        double max = 0;
        foreach (double e in v) max = Math.Max(max, Math.Abs(e));
        return max;
    }
}
