using GenderML.Evaluation;

namespace GenderML.Training;

/// <summary>Fits a <see cref="ProbabilityCalibration"/> to held-out labels and raw P(male) by Newton's method on the log-loss.</summary>
internal static class CalibrationFit
{
    private const int MaxIterations = 100;

    /// <summary>
    /// The map of <paramref name="method"/> that minimises the mean log-loss of <paramref name="labels"/> under
    /// σ(a·logit(p) + b) (b = 0 for temperature); the identity for <see cref="CalibrationMethod.None"/>, without samples,
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
