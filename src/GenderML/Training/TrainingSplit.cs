using GenderML.Data;

namespace GenderML.Training;

/// <summary>
/// The images a training run learns from (<see cref="Train"/>) and scores on (<see cref="Validation"/>); when the
/// validation part was held out of one dataset, <see cref="Whole"/> is that dataset, whose caches both parts share.
/// </summary>
internal sealed record TrainingSplit(Dataset Train, Dataset? Validation, Dataset? Whole);
