using GenderML.Core;

namespace GenderML.Linear;

/// <summary>
/// The L2-penalised logistic objective over θ = (w, b):
/// F(θ) = Σᵢ cᵢ·ℓ(yᵢ, xᵢ·w + b) + ½‖w‖², with ℓ(1, z) = ln(1 + e^{−z}), ℓ(0, z) = ln(1 + e^{z}),
/// cᵢ = C · (class weight of yᵢ); ∂F/∂w = Σᵢ cᵢ(σ(zᵢ) − yᵢ)·xᵢ + w, ∂F/∂b = Σᵢ cᵢ(σ(zᵢ) − yᵢ).
/// </summary>
/// <remarks>
/// Rows are split into <see cref="Parts"/> fixed contiguous ranges, each reduced on its own and then
/// summed in order, so the value and gradient are bit-identical whatever the thread count.
/// Each row is read once per evaluation: its dot product and its gradient update run back to back.
/// </remarks>
internal sealed class LogisticLoss
{
    internal const int Parts = 32;
    private readonly ReadOnlyMemory<float> _x;
    private readonly byte[] _y;
    private readonly float[] _rowWeight;
    private readonly int _n, _d, _threads;
    private readonly bool _intercept;
    private readonly float[] _w;
    private readonly float[][] _partGradient;
    private readonly double[] _partLoss, _partBias;

    internal LogisticLoss(ReadOnlyMemory<float> x, int n, int d, ReadOnlySpan<int> labels, double c, double negativeWeight, double positiveWeight, bool intercept, int threads)
    {
        (_x, _n, _d, _intercept, _threads) = (x, n, d, intercept, Math.Max(1, threads));
        _y = new byte[n];
        _rowWeight = new float[n];
        for (int i = 0; i < n; i++)
        {
            _y[i] = (byte)labels[i];
            _rowWeight[i] = (float)(c * (labels[i] == 1 ? positiveWeight : negativeWeight));
        }
        _w = new float[d];
        int parts = Math.Min(Parts, Math.Max(1, n));
        _partGradient = new float[parts][];
        for (int k = 0; k < parts; k++) _partGradient[k] = new float[d];
        _partLoss = new double[parts];
        _partBias = new double[parts];
    }

    /// <summary>Parameters: d weights, then the intercept when fitted.</summary>
    internal int Dimension => _d + (_intercept ? 1 : 0);

    /// <summary>F(θ), writing ∇F(θ) into <paramref name="gradient"/>.</summary>
    internal double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        for (int j = 0; j < _d; j++) _w[j] = (float)theta[j];
        double b = _intercept ? theta[_d] : 0;
        int parts = _partGradient.Length;
        if (_threads == 1) for (int k = 0; k < parts; k++) Part(k, b);
        else Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = _threads }, k => Part(k, b));

        double loss = 0, db = 0;
        for (int j = 0; j < _d; j++) gradient[j] = theta[j];
        for (int k = 0; k < parts; k++)
        {
            loss += _partLoss[k];
            db += _partBias[k];
            var g = _partGradient[k];
            for (int j = 0; j < _d; j++) gradient[j] += g[j];
        }
        double penalty = 0;
        for (int j = 0; j < _d; j++) penalty += theta[j] * theta[j];
        if (_intercept) gradient[_d] = db;
        return loss + 0.5 * penalty;
    }

    private void Part(int k, double b)
    {
        int parts = _partGradient.Length;
        int start = (int)((long)_n * k / parts), end = (int)((long)_n * (k + 1) / parts);
        var g = _partGradient[k];
        Array.Clear(g);
        ReadOnlySpan<float> x = _x.Span;
        double loss = 0, db = 0;
        for (int i = start; i < end; i++)
        {
            var row = x.Slice(i * _d, _d);
            double z = LinearKernels.Dot(row, _w) + b;
            double c = _rowWeight[i];
            loss += c * (_y[i] == 1 ? Softplus(-z) : Softplus(z));
            double r = c * (Sigmoid(z) - _y[i]);
            db += r;
            LinearKernels.AddScaled((float)r, row, g);
        }
        _partLoss[k] = loss;
        _partBias[k] = db;
    }

    /// <summary>ln(1 + e^t) without overflow.</summary>
    internal static double Softplus(double t) => t > 0 ? t + Math.Log(1 + Math.Exp(-t)) : Math.Log(1 + Math.Exp(t));

    /// <summary>1 / (1 + e^{−z}) without overflow.</summary>
    internal static double Sigmoid(double z)
    {
        if (z >= 0) return 1 / (1 + Math.Exp(-z));
        double e = Math.Exp(z);
        return e / (1 + e);
    }

    /// <summary>Threads a <see cref="ComputeOptions"/> allows, at least 1.</summary>
    internal static int ThreadsOf(ComputeOptions? compute) => Math.Max(1, (compute ?? new ComputeOptions()).Threads);
}
