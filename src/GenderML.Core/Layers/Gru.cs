using GenderML.Core.Kernels;

namespace GenderML.Core.Layers;

/// <summary>
/// A gated recurrent unit over an N×T×F sequence batch, returning the last hidden state (N×H), h₀ = 0.
/// Per step, as in PyTorch (gate order r, z, n in the weight rows):
/// <c>r = σ(W_ir x + b_ir + W_hr h + b_hr)</c>, <c>z = σ(W_iz x + b_iz + W_hz h + b_hz)</c>,
/// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>, <c>h′ = (1 − z) ⊙ n + z ⊙ h</c>.
/// An image read row by row is a sequence of T = height steps of F = width (× channels) features.
/// </summary>
public sealed class Gru : Layer
{
    private readonly Parameter _weightIh, _weightHh, _biasIh, _biasHh;
    private Tensor? _input, _output, _gradInput;
    private float[] _xi = [], _hh = [], _gates = [], _hs = [], _dXi = [], _dHh = [], _dh = [];
    private int _n, _t;

    /// <summary>Creates the layer with PyTorch's initialisation U(±1/√hidden), drawn from <paramref name="random"/>.</summary>
    public Gru(int inputSize, int hiddenSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentNullException.ThrowIfNull(random);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        float bound = Init.DefaultBound(hiddenSize);
        Tensor Make(params int[] shape) { var t = new Tensor(shape); Init.Uniform(t.Data, bound, random); return t; }
        _weightIh = AddParameter("weight_ih", Make(3 * hiddenSize, inputSize));
        _weightHh = AddParameter("weight_hh", Make(3 * hiddenSize, hiddenSize));
        _biasIh = AddParameter("bias_ih", Make(3 * hiddenSize));
        _biasHh = AddParameter("bias_hh", Make(3 * hiddenSize));
    }

    /// <summary>Features per step.</summary>
    public int InputSize { get; }

    /// <summary>Hidden state size.</summary>
    public int HiddenSize { get; }

    /// <summary>W_ih, 3H×F, rows r, z, n.</summary>
    public Parameter WeightIh => _weightIh;

    /// <summary>W_hh, 3H×H, rows r, z, n.</summary>
    public Parameter WeightHh => _weightHh;

    /// <summary>b_ih, 3H.</summary>
    public Parameter BiasIh => _biasIh;

    /// <summary>b_hh, 3H.</summary>
    public Parameter BiasHh => _biasHh;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        string name = Name.Length > 0 ? Name : "Gru";
        TensorBuffers.RequireRank(input, 3, name, "N×T×{0}", InputSize);
        if (input.Dim(2) != InputSize) throw new ArgumentException($"{name}: expects {InputSize} features per step, got {input}", nameof(input));
        int n = input.Dim(0), steps = input.Dim(1), h = HiddenSize, g3 = 3 * h, f = InputSize;
        _input = input; _n = n; _t = steps;
        Ensure(ref _xi, n * steps * g3); Ensure(ref _hh, steps * n * g3); Ensure(ref _gates, steps * n * g3); Ensure(ref _hs, (steps + 1) * n * h);
        var output = TensorBuffers.Ensure(ref _output, n, h);
        Gemm.Multiply(false, true, n * steps, g3, f, input.Data, f, _weightIh.Value.Data, f, _xi, g3, false, Compute);
        for (int row = 0; row < n * steps; row++)
            System.Numerics.Tensors.TensorPrimitives.Add(_xi.AsSpan(row * g3, g3), _biasIh.Value.Data, _xi.AsSpan(row * g3, g3));
        _hs.AsSpan(0, n * h).Clear();
        for (int t = 0; t < steps; t++)
        {
            var hPrev = _hs.AsSpan(t * n * h, n * h);
            var hNext = _hs.AsSpan((t + 1) * n * h, n * h);
            var hh = _hh.AsSpan(t * n * g3, n * g3);
            var gates = _gates.AsSpan(t * n * g3, n * g3);
            Gemm.Multiply(false, true, n, g3, h, hPrev, h, _weightHh.Value.Data, h, hh, g3, false, Compute);
            for (int s = 0; s < n; s++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(hh.Slice(s * g3, g3), _biasHh.Value.Data, hh.Slice(s * g3, g3));
                var xi = _xi.AsSpan((s * steps + t) * g3, g3);
                var hhs = hh.Slice(s * g3, g3);
                var gs = gates.Slice(s * g3, g3);
                for (int j = 0; j < h; j++)
                {
                    float r = Sigmoid(xi[j] + hhs[j]);
                    float z = Sigmoid(xi[h + j] + hhs[h + j]);
                    float nn = MathF.Tanh(xi[2 * h + j] + r * hhs[2 * h + j]);
                    gs[j] = r; gs[h + j] = z; gs[2 * h + j] = nn;
                    hNext[s * h + j] = (1 - z) * nn + z * hPrev[s * h + j];
                }
            }
        }
        _hs.AsSpan(steps * n * h, n * h).CopyTo(output.Data);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("Gru.Backward before Forward");
        int n = _n, steps = _t, h = HiddenSize, g3 = 3 * h, f = InputSize;
        Ensure(ref _dXi, n * steps * g3); Ensure(ref _dHh, n * g3); Ensure(ref _dh, n * h);
        var gradInput = TensorBuffers.EnsureLike(ref _gradInput, input);
        var dh = _dh.AsSpan(0, n * h);
        gradOutput.Data.AsSpan(0, n * h).CopyTo(dh);
        var dHh = _dHh.AsSpan(0, n * g3);
        for (int t = steps - 1; t >= 0; t--)
        {
            var hPrev = _hs.AsSpan(t * n * h, n * h);
            var hh = _hh.AsSpan(t * n * g3, n * g3);
            var gates = _gates.AsSpan(t * n * g3, n * g3);
            for (int s = 0; s < n; s++)
            {
                var dxi = _dXi.AsSpan((s * steps + t) * g3, g3);
                for (int j = 0; j < h; j++)
                {
                    int gi = s * g3 + j;
                    float r = gates[gi], z = gates[gi + h], nn = gates[gi + 2 * h];
                    float dhv = dh[s * h + j], hp = hPrev[s * h + j];
                    float dn = dhv * (1 - z), dz = dhv * (hp - nn);
                    float dan = dn * (1 - nn * nn);
                    float dar = dan * hh[gi + 2 * h] * r * (1 - r);
                    float daz = dz * z * (1 - z);
                    dxi[j] = dar; dxi[h + j] = daz; dxi[2 * h + j] = dan;
                    dHh[gi] = dar; dHh[gi + h] = daz; dHh[gi + 2 * h] = dan * r;
                    dh[s * h + j] = dhv * z;
                }
            }
            if (_weightHh.Trainable) Gemm.Multiply(true, false, g3, h, n, dHh, g3, hPrev, h, _weightHh.Gradient.Data, h, true, Compute);
            if (_biasHh.Trainable) AddRows(dHh, n, g3, _biasHh.Gradient.Data);
            Gemm.Multiply(false, false, n, h, g3, dHh, g3, _weightHh.Value.Data, h, dh, h, true, Compute);
        }
        var dXi = _dXi.AsSpan(0, n * steps * g3);
        if (_weightIh.Trainable) Gemm.Multiply(true, false, g3, f, n * steps, dXi, g3, input.Data, f, _weightIh.Gradient.Data, f, true, Compute);
        if (_biasIh.Trainable) AddRows(dXi, n * steps, g3, _biasIh.Gradient.Data);
        Gemm.Multiply(false, false, n * steps, f, g3, dXi, g3, _weightIh.Value.Data, f, gradInput.Data, f, false, Compute);
        return gradInput;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static void AddRows(ReadOnlySpan<float> matrix, int rows, int cols, Span<float> sum)
    {
        for (int r = 0; r < rows; r++) System.Numerics.Tensors.TensorPrimitives.Add(sum, matrix.Slice(r * cols, cols), sum);
    }

    private static void Ensure(ref float[] a, int length)
    {
        if (a.Length != length) a = new float[length];
    }
}
