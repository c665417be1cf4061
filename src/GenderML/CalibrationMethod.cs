namespace GenderML;

/// <summary>How a trained model's P(male) is mapped to a calibrated probability (<see cref="ProbabilityCalibration"/>).</summary>
public enum CalibrationMethod
{
    /// <summary>No mapping: P(male) as the model gives it.</summary>
    None,

    /// <summary>Temperature scaling: σ(logit(p) / T), one parameter; labels at the 0.5 threshold are unchanged.</summary>
    Temperature,

    /// <summary>Platt scaling: σ(a·logit(p) + b), two parameters; the 0.5 threshold may move.</summary>
    Platt,

    /// <summary>
    /// Sided power scaling: σ(a₊·z^γ₊) for logits z = logit(p) ≥ 0 and σ(−a₋·|z|^γ₋) below, each side fitted on its own
    /// held-out scores; four parameters, labels at the 0.5 threshold unchanged. For a model confident in one class and
    /// hesitant in the other, which one temperature cannot fix.
    /// </summary>
    SidedPower,
}
