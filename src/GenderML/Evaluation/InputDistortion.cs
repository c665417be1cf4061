using System.Globalization;
using GenderML.Imaging;

namespace GenderML.Evaluation;

/// <summary>
/// What an evaluation does to each decoded image before a model sees it: the framing stress
/// (<see cref="Reframing.Reframe"/> by <see cref="Reframe"/>), then an <see cref="ImageStress"/>. Caches of network
/// outputs key on <see cref="Key"/>.
/// </summary>
/// <param name="Reframe">The reframe factor in (0, 1), or null.</param>
/// <param name="Stress">The degradation, or null.</param>
internal sealed record InputDistortion(double? Reframe, ImageStress? Stress)
{
    /// <summary>The distortion <paramref name="options"/> asks for, or null when it asks for none.</summary>
    public static InputDistortion? Of(ModelEvaluationOptions options) =>
        options.Reframe is { } f and < 1 || options.Stress is not null
            ? new InputDistortion(options.Reframe is { } g and < 1 ? g : null, options.Stress)
            : null;

    /// <summary>The cache key suffix: <c>-reframe0.7</c>, <c>-stress-gray</c>, both, or empty.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture,
        $"{(Reframe is { } f ? $"-reframe{f:0.###}" : "")}{(Stress is { } s ? "-stress-" + Stressing.Name(s) : "")}");

    /// <summary><paramref name="image"/> reframed, then stressed.</summary>
    public Image Apply(Image image)
    {
        var framed = Reframe is { } f ? Reframing.Reframe(image, f) : image;
        return Stress is { } s ? Stressing.Apply(framed, s) : framed;
    }
}
