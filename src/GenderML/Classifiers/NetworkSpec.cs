using GenderML.Core.Layers;
using GenderML.Training;

namespace GenderML.Classifiers;

/// <summary>
/// Everything needed to rebuild a network's layers: the preset, input shape and width. Saved in the model's
/// manifest; weights come separately. Inputs are normalised as <c>x = (p/255 − 0.5) / 0.25</c>.
/// </summary>
internal sealed record NetworkSpec(NetworkPreset Preset, int Channels, int Size, int HiddenUnits)
{
    public const float Mean = 0.5f, Std = 0.25f;

    public (Layer Network, string Description, IReadOnlyList<Dropout> Dropouts) Build(int seed)
    {
        var (network, description) = NetworkFactory.Create(Preset, Channels, Size, HiddenUnits, seed);
        return (network, description, FindDropouts(network));
    }

    public BatchBuilder CreateBatchBuilder(int threads)
    {
        float scale = 1f / (255f * Std), offset = -Mean / Std;
        return new BatchBuilder(Size, Channels, [.. Enumerable.Repeat(scale, Channels)], [.. Enumerable.Repeat(offset, Channels)], threads);
    }

    private static List<Dropout> FindDropouts(Layer layer)
    {
        var found = new List<Dropout>();
        void Walk(Layer l)
        {
            if (l is Dropout d) found.Add(d);
            else if (l is Sequential s) foreach (var child in s.Layers) Walk(child);
        }
        Walk(layer);
        return found;
    }
}
