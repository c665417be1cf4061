namespace GenderML.Core.Optimizers;

/// <summary>A learning rate as a function of the step (or epoch) index, counted from 0.</summary>
/// <remarks>Set <c>optimizer.LearningRate = schedule.LearningRateAt(step)</c> before each step; the index is
/// the number of scheduler steps taken so far, as PyTorch's <c>last_epoch</c>.</remarks>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate to use at step <paramref name="step"/> (≥ 0).</summary>
    double LearningRateAt(int step);
}
