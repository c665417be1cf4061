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
}
