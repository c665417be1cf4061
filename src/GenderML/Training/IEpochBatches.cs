using GenderML.Core;

namespace GenderML.Training;

/// <summary>
/// The training data of an <see cref="EpochLoop"/>: the same number of batches every epoch, in an order drawn for each
/// epoch. <see cref="BeginEpoch"/> makes every random choice of an epoch (shuffle, flips, dropout seeds), so a resumed
/// run that calls it for the epochs it skips continues with the same draws as an uninterrupted one.
/// </summary>
internal interface IEpochBatches
{
    /// <summary>Batches per epoch.</summary>
    int Batches { get; }

    /// <summary>The most examples a batch holds (the length of the targets buffer <see cref="Fill"/> is given).</summary>
    int MaxBatchSize { get; }

    /// <summary>Draws epoch <paramref name="epoch"/>'s (0-based) order and other random choices; called for every epoch in turn.</summary>
    void BeginEpoch(int epoch);

    /// <summary>Batch <paramref name="batch"/> of epoch <paramref name="epoch"/>: its inputs, with its targets written to the start of <paramref name="targets"/>.</summary>
    Tensor Fill(int epoch, int batch, float[] targets, out int count);
}
