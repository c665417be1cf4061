using GenderML.Imaging;

namespace GenderML.Data;

/// <summary>How an image becomes an N×N uint8 sample: side, pixel format and how the aspect ratio is handled.</summary>
public sealed record PreprocessOptions
{
    /// <summary>The side N of the square output, in pixels (1–4096).</summary>
    public int Size { get; init; } = 64;

    /// <summary>Gray (one channel) or RGB (three channels, interleaved).</summary>
    public PixelFormat Format { get; init; } = PixelFormat.Gray8;

    /// <summary>How a non-square image is made square.</summary>
    public ResizeMode Mode { get; init; } = ResizeMode.Stretch;

    /// <summary>A re-framing applied to each decoded image before it is made square and resized (null: none).</summary>
    public ImageFraming? Framing { get; init; }

    /// <summary>The channels a pixel: 1 or 3.</summary>
    public int Channels => (int)Format;

    /// <summary>The bytes of one sample: <c>Size · Size · Channels</c>.</summary>
    public int BytesPerImage => Size * Size * Channels;

    /// <summary>A short stable text of the settings, such as <c>64px-gray8-stretch</c>, then the framing's key if any (used in cache keys).</summary>
    public string Key => $"{Size}px-{Format.ToString().ToLowerInvariant()}-{Mode.ToString().ToLowerInvariant()}{(Framing is null ? "" : "-" + Framing.Key)}";

    internal void Validate()
    {
        if (Size is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(Size), Size, "the side must be 1–4096 pixels");
        if (Format is not (PixelFormat.Gray8 or PixelFormat.Rgb24)) throw new ArgumentOutOfRangeException(nameof(Format), Format, "Gray8 or Rgb24");
        if (!Enum.IsDefined(Mode)) throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Stretch, CenterCrop or Pad");
    }
}

/// <summary>How a W×H image becomes N×N.</summary>
public enum ResizeMode
{
    /// <summary>Resize to N×N directly; the aspect ratio is not kept.</summary>
    Stretch,

    /// <summary>Cut the centred square of side min(W, H), then resize to N×N.</summary>
    CenterCrop,

    /// <summary>Pad to the centred square of side max(W, H) with black, then resize to N×N.</summary>
    Pad,
}
