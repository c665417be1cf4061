namespace GenderML.Core.Optimizers;

/// <summary>
/// The state Adam and AdamW share: first and second moment estimates and a step count per parameter
/// (as PyTorch keeps them, so a parameter unfrozen late starts its bias correction afresh), and the update.
/// </summary>
internal sealed class AdamMoments
{
    private const double StepSplit = 1 << 24; // step counts are exported as [⌊s / 2²⁴⌋, s mod 2²⁴], exact in float32
    private readonly Tensor[] _firstMoment;
    private readonly Tensor[] _secondMoment;
    private readonly Tensor[] _stepTensors;
    private readonly long[] _steps;

    internal AdamMoments(IReadOnlyList<Parameter> parameters, AdamOptions options, Func<string, int[], Tensor> addState)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Beta1 >= 0 && options.Beta1 < 1)) throw Bad($"beta1 must be in [0, 1), got {options.Beta1}");
        if (!(options.Beta2 >= 0 && options.Beta2 < 1)) throw Bad($"beta2 must be in [0, 1), got {options.Beta2}");
        if (!double.IsFinite(options.Epsilon) || options.Epsilon < 0) throw Bad($"epsilon must be finite and ≥ 0, got {options.Epsilon}");
        if (!double.IsFinite(options.WeightDecay) || options.WeightDecay < 0) throw Bad($"weight decay must be finite and ≥ 0, got {options.WeightDecay}");
        Options = options;
        int n = parameters.Count;
        _firstMoment = new Tensor[n];
        _secondMoment = new Tensor[n];
        _stepTensors = new Tensor[n];
        _steps = new long[n];
        for (int i = 0; i < n; i++)
        {
            string name = parameters[i].Name;
            _firstMoment[i] = addState(name + ".exp_avg", parameters[i].Value.ShapeArray());
            _secondMoment[i] = addState(name + ".exp_avg_sq", parameters[i].Value.ShapeArray());
            _stepTensors[i] = addState(name + ".step", [2]);
        }
    }

    internal AdamOptions Options { get; }

    /// <summary>Number of updates applied to parameter <paramref name="index"/>.</summary>
    internal long StepsOf(int index) => _steps[index];

    /// <summary>
    /// One Adam update of parameter <paramref name="index"/>: with <c>t</c> its step count after incrementing,
    /// <c>w ← w·decay</c>; <c>g ← ∇ + l2·w</c>; <c>m ← β₁m + (1−β₁)g</c>; <c>v ← β₂v + (1−β₂)g²</c>;
    /// <c>w ← w − (η/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)</c>.
    /// </summary>
    internal void Update(int index, Parameter parameter, double learningRate, double l2, double decay)
    {
        long t = ++_steps[index];
        double beta1 = Options.Beta1, beta2 = Options.Beta2;
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
        var scalars = new AdamScalars(
            Decay: (float)decay,
            L2: (float)l2,
            Beta1: (float)beta1,
            OneMinusBeta1: (float)(1 - beta1),
            Beta2: (float)beta2,
            OneMinusBeta2: (float)(1 - beta2),
            BiasCorrection2Sqrt: (float)biasCorrection2Sqrt,
            Epsilon: (float)Options.Epsilon,
            NegativeStepSize: (float)(-learningRate / biasCorrection1));
        OptimizerKernels.Adam(parameter.Value.Data, parameter.Gradient.Data, _firstMoment[index].Data, _secondMoment[index].Data, scalars);
    }

    internal void SyncStateOut()
    {
        for (int i = 0; i < _steps.Length; i++)
        {
            _stepTensors[i].Data[0] = (float)(_steps[i] / (long)StepSplit);
            _stepTensors[i].Data[1] = (float)(_steps[i] % (long)StepSplit);
        }
    }

    internal void SyncStateIn()
    {
        for (int i = 0; i < _steps.Length; i++)
        {
            float high = _stepTensors[i].Data[0], low = _stepTensors[i].Data[1];
            if (!(high >= 0 && low >= 0 && low < StepSplit && high == MathF.Floor(high) && low == MathF.Floor(low)))
                throw new InvalidDataException($"the step count of parameter {i} is [{high}, {low}]; expected two non-negative whole numbers, the second below 2^24");
            _steps[i] = (long)high * (long)StepSplit + (long)low;
        }
    }

    private static ArgumentOutOfRangeException Bad(string message) => new("options", message);
}
