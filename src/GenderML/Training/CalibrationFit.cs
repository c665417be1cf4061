using GenderML.Evaluation;

namespace GenderML.Training;

/// <summary>Fits a <see cref="ProbabilityCalibration"/> to held-out labels and raw P(male) by Newton's method on the log-loss.</summary>
internal static class CalibrationFit
{
    private const int MaxIterations = 100;

    /// <summary>
    /// The map of <paramref name="method"/> that minimises the mean log-loss of <paramref name="labels"/> under
    /// σ(a·logit(p) + b) (b = 0 for temperature; <see cref="CalibrationMethod.SidedPower"/>: <see cref="FitSided"/>); the identity for <see cref="CalibrationMethod.None"/>, without samples,
    /// or with one class only.
    /// </summary>
    public static ProbabilityCalibration Fit(CalibrationMethod method, ReadOnlySpan<int> labels, ReadOnlySpan<float> pMale, string source)
    {
        int n = labels.Length;
        int male = 0;
        foreach (int y in labels) male += y;
        if (method == CalibrationMethod.None || n == 0 || male == 0 || male == n) return ProbabilityCalibration.Identity;
        var z = new double[n];
        for (int i = 0; i < n; i++)
        {
            double p = Math.Clamp((double)pMale[i], ProbabilityCalibration.Epsilon, 1 - ProbabilityCalibration.Epsilon);
            z[i] = Math.Log(p / (1 - p));
        }
        if (method == CalibrationMethod.SidedPower) return FitSided(labels, z, source);
        bool platt = method == CalibrationMethod.Platt;
        double a = 1, b = 0, loss = Loss(labels, z, a, b);
        for (int it = 0; it < MaxIterations; it++)
        {
            // Gradient and Hessian of the mean log-loss in (a, b); for temperature only the a part.
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (int i = 0; i < n; i++)
            {
                double q = Sigmoid(a * z[i] + b), r = q - labels[i], w = q * (1 - q);
                ga += r * z[i]; gb += r;
                haa += w * z[i] * z[i]; hab += w * z[i]; hbb += w;
            }
            double da, db;
            if (platt)
            {
                double det = haa * hbb - hab * hab;
                if (!(det > 1e-12)) break;
                da = (hbb * ga - hab * gb) / det;
                db = (haa * gb - hab * ga) / det;
            }
            else
            {
                if (!(haa > 1e-12)) break;
                (da, db) = (ga / haa, 0);
            }
            // Backtracking keeps every step a descent step (and the scale positive).
            double step = 1, next = double.PositiveInfinity;
            for (int k = 0; k < 30; k++, step /= 2)
            {
                double na = a - step * da;
                if (na <= 0) continue;
                next = Loss(labels, z, na, b - step * db);
                if (next <= loss) break;
            }
            if (!(next <= loss)) break;
            a -= step * da;
            b -= step * db;
            bool done = loss - next < 1e-12 * n;
            loss = next;
            if (done) break;
        }
        var calibrated = new double[n];
        var raw = new double[n];
        for (int i = 0; i < n; i++) { raw[i] = Sigmoid(z[i]); calibrated[i] = Sigmoid(a * z[i] + b); }
        return new ProbabilityCalibration
        {
            Method = method, Scale = a, Offset = b, Source = source, Count = n,
            EceBefore = Ece(labels, raw), EceAfter = Ece(labels, calibrated),
        };
    }

    // The powers γ tried on each side of logit 0 by sided power scaling: 0.4, 0.45, …, 3.
    private static readonly double[] Powers = [.. Enumerable.Range(0, 53).Select(k => 0.4 + 0.05 * k)];

    /// <summary>
    /// <see cref="CalibrationMethod.SidedPower"/>: on each side of logit 0 separately, the power γ (of <see cref="Powers"/>)
    /// and the scale a > 0 of σ(±a·|z|^γ) of least log-loss; a side with fewer than 10 scores or with one class only takes
    /// the temperature fitted on all of them, at power 1.
    /// </summary>
    private static ProbabilityCalibration FitSided(ReadOnlySpan<int> labels, double[] z, string source)
    {
        int n = z.Length;
        var p = new float[n];
        for (int i = 0; i < n; i++) p[i] = (float)Sigmoid(z[i]);
        double overall = Fit(CalibrationMethod.Temperature, labels, p, source).Scale;
        (double A, double Power) Side(ReadOnlySpan<int> labels, bool upper)
        {
            // On the lower side the class that agrees with the sign is female: fit 1 − y against a·|z|^γ.
            var t = new List<double>();
            var y = new List<int>();
            for (int i = 0; i < z.Length; i++)
                if (z[i] >= 0 == upper) { t.Add(Math.Abs(z[i])); y.Add(upper ? labels[i] : 1 - labels[i]); }
            int agree = y.Sum();
            if (t.Count < 10 || agree == 0 || agree == t.Count) return (overall, 1);
            (double A, double Power, double Loss) best = (overall, 1, double.PositiveInfinity);
            var powered = new double[t.Count];
            foreach (double gamma in Powers)
            {
                for (int i = 0; i < powered.Length; i++) powered[i] = Math.Pow(t[i], gamma);
                var (a, loss) = Scale(y, powered);
                if (loss < best.Loss) best = (a, gamma, loss);
            }
            return (best.A, best.Power);
        }
        var (aUp, gUp) = Side(labels, upper: true);
        var (aDown, gDown) = Side(labels, upper: false);
        var map = new ProbabilityCalibration
        {
            Method = CalibrationMethod.SidedPower, Scale = aUp, Power = gUp, LowerScale = aDown, LowerPower = gDown, Source = source, Count = n,
        };
        var raw = new double[n];
        var calibrated = new double[n];
        for (int i = 0; i < n; i++) { raw[i] = Sigmoid(z[i]); calibrated[i] = Sigmoid(map.MapLogit(z[i])); }
        return map with { EceBefore = Ece(labels, raw), EceAfter = Ece(labels, calibrated) };
    }

    /// <summary>The scale a > 0 of least log-loss of σ(a·tᵢ) against <paramref name="y"/>, by Newton's method with backtracking, and that loss.</summary>
    private static (double A, double Loss) Scale(List<int> y, double[] t)
    {
        double a = 1, loss = SideLoss(y, t, a);
        for (int it = 0; it < MaxIterations; it++)
        {
            double g = 0, h = 0;
            for (int i = 0; i < t.Length; i++)
            {
                double q = Sigmoid(a * t[i]);
                g += (q - y[i]) * t[i];
                h += q * (1 - q) * t[i] * t[i];
            }
            if (!(h > 1e-12)) break;
            double step = 1, next = double.PositiveInfinity, na = a;
            for (int k = 0; k < 30; k++, step /= 2)
            {
                na = a - step * g / h;
                if (na <= 0) continue;
                next = SideLoss(y, t, na);
                if (next <= loss) break;
            }
            if (!(next <= loss)) break;
            bool done = loss - next < 1e-12 * t.Length;
            (a, loss) = (na, next);
            if (done) break;
        }
        return (a, loss);
    }

    private static double SideLoss(List<int> y, double[] t, double a)
    {
        double sum = 0;
        for (int i = 0; i < t.Length; i++) sum += y[i] == 1 ? Softplus(-a * t[i]) : Softplus(a * t[i]);
        return sum;
    }

    private static double Ece(ReadOnlySpan<int> labels, double[] p) =>
        BinaryMetrics.ExpectedCalibrationError(BinaryMetrics.Calibration(labels, p, 10), labels.Length);

    private static double Loss(ReadOnlySpan<int> labels, double[] z, double a, double b)
    {
        double sum = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double t = a * z[i] + b;
            // −log σ(t) = softplus(−t); −log(1 − σ(t)) = softplus(t).
            sum += labels[i] == 1 ? Softplus(-t) : Softplus(t);
        }
        return sum;
    }

    private static double Softplus(double t) => t > 0 ? t + Math.Log(1 + Math.Exp(-t)) : Math.Log(1 + Math.Exp(t));

    private static double Sigmoid(double t) => 1 / (1 + Math.Exp(-t));
}
