namespace GenderML.Linear;

/// <summary>
/// A line search along p from x for a step α meeting the strong Wolfe conditions
/// φ(α) ≤ φ(0) + c1·α·φ'(0) and |φ'(α)| ≤ c2·|φ'(0)|, where φ(α) = f(x + α·p):
/// bracketing by doubling, then zooming by safeguarded cubic interpolation.
/// </summary>
/// <remarks>Nocedal &amp; Wright, algorithms 3.5 and 3.6. On success, xNew and gNew hold the accepted point.</remarks>
internal sealed class LineSearch(Objective f, double[] x, double f0, double slope0, double[] p, double[] xNew, double[] gNew, int maxSteps)
{
    private const double C1 = 1e-4, C2 = 0.9;

    internal int Evaluations { get; private set; }

    internal bool Run(double alpha, out double fAccepted)
    {
        double prevAlpha = 0, prevPhi = f0, prevSlope = slope0;
        for (int i = 0; Evaluations < maxSteps; i++)
        {
            var (phi, slope) = Evaluate(alpha);
            if (!double.IsFinite(phi) || phi > f0 + C1 * alpha * slope0 || (i > 0 && phi >= prevPhi))
                return Zoom(prevAlpha, prevPhi, prevSlope, alpha, phi, slope, out fAccepted);
            if (Math.Abs(slope) <= -C2 * slope0) { fAccepted = phi; return true; }
            if (slope >= 0) return Zoom(alpha, phi, slope, prevAlpha, prevPhi, prevSlope, out fAccepted);
            (prevAlpha, prevPhi, prevSlope) = (alpha, phi, slope);
            alpha *= 2;
        }
        fAccepted = f0;
        return false;
    }

    private bool Zoom(double lo, double phiLo, double slopeLo, double hi, double phiHi, double slopeHi, out double fAccepted)
    {
        while (Evaluations < maxSteps)
        {
            double alpha = Interpolate(lo, phiLo, slopeLo, hi, phiHi, slopeHi);
            var (phi, slope) = Evaluate(alpha);
            if (!double.IsFinite(phi) || phi > f0 + C1 * alpha * slope0 || phi >= phiLo)
            {
                (hi, phiHi, slopeHi) = (alpha, phi, slope);
            }
            else
            {
                if (Math.Abs(slope) <= -C2 * slope0) { fAccepted = phi; return true; }
                if (slope * (hi - lo) >= 0) (hi, phiHi, slopeHi) = (lo, phiLo, slopeLo);
                (lo, phiLo, slopeLo) = (alpha, phi, slope);
            }
            if (Math.Abs(hi - lo) <= 1e-16 * Math.Max(1, Math.Abs(lo))) break;
        }
        // No strong-Wolfe point: accept the best point found if it decreased f enough (Armijo).
        if (lo > 0 && phiLo < f0)
        {
            var (phi, _) = Evaluate(lo);
            fAccepted = phi;
            return phi <= f0 + C1 * lo * slope0;
        }
        fAccepted = f0;
        return false;
    }

    /// <summary>The minimiser of the cubic through both ends' values and slopes, kept 10% inside the interval; bisection when undefined.</summary>
    private static double Interpolate(double a, double fa, double ga, double b, double fb, double gb)
    {
        double lo = Math.Min(a, b), hi = Math.Max(a, b), margin = 0.1 * (hi - lo);
        if (double.IsFinite(fb) && double.IsFinite(gb))
        {
            double d1 = ga + gb - 3 * (fa - fb) / (a - b);
            double disc = d1 * d1 - ga * gb;
            if (disc >= 0)
            {
                double d2 = Math.Sign(b - a) * Math.Sqrt(disc);
                double t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
                if (double.IsFinite(t)) return Math.Clamp(t, lo + margin, hi - margin);
            }
        }
        return (a + b) / 2;
    }

    private (double Phi, double Slope) Evaluate(double alpha)
    {
        for (int i = 0; i < x.Length; i++) xNew[i] = x[i] + alpha * p[i];
        Evaluations++;
        double phi = f(xNew, gNew);
        return (phi, Lbfgs.Dot(gNew, p));
    }
}
