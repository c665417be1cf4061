namespace GenderML.Evaluation;

/// <summary>
/// The same test images scored again with every face shrunk inside its frame (<see cref="ModelEvaluationOptions.Reframe"/>, by
/// <paramref name="Factor"/>): a looser framing, as other face sets have, to show how much a model depends on the framing
/// of the images it learned from.
/// </summary>
/// <param name="Factor">The reframing factor in (0, 1): 0.7 shows each face at 70% of its size in the same frame.</param>
/// <param name="Report">The evaluation of the reframed images.</param>
public sealed record FramingCheck(double Factor, EvaluationReport Report);
