namespace GenderML.Core.Optimizers;

/// <summary>Argument checks shared by the schedules.</summary>
internal static class ScheduleChecks
{
    internal static void NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, $"{name} must be finite and ≥ 0, got {value}");
    }
}
