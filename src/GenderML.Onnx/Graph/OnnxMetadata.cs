using System.Globalization;
using GenderML.Data;

namespace GenderML.Onnx.Graph;

/// <summary>
/// The <c>metadata_props</c> of an exported model: what each input expects (shape, values, channel order, resizing,
/// framing) and what each output means, as invariant text.
/// </summary>
internal sealed class OnnxMetadata
{
    private readonly SortedDictionary<string, string> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _inputs = [], _outputs = [];

    public IReadOnlyDictionary<string, string> Entries
    {
        get
        {
            _entries["inputs"] = string.Join(",", _inputs);
            _entries["outputs"] = string.Join(",", _outputs);
            return _entries;
        }
    }

    public void Set(string key, string value) => _entries[key] = value;

    /// <summary>An input of GenderML's pixel preprocessing.</summary>
    public void PixelInput(string name, PreprocessOptions p, string scaling)
    {
        string resize = p.Mode switch
        {
            ResizeMode.Stretch => "stretched",
            ResizeMode.CenterCrop => "centre square cropped, then resized",
            _ => "padded to a square (centred, black), then resized",
        };
        Input(name, p.Channels, p.Size, p.Channels == 1 ? "gray (luma 0.299 R + 0.587 G + 0.114 B)" : "RGB",
            $"{resize} to {p.Size}×{p.Size} by GenderML's area-averaging resampler (Preprocessor.Write)", scaling,
            Framing(p.Framing), mirrored: false);
    }

    /// <summary>An input of a face-api network: face-api's own resizing, the graph normalises.</summary>
    public void FaceInput(string name, int size, FaceFraming? framing, bool mirrored) =>
        Input(name, 3, size, "RGB",
            $"padded to a square (centred, zeros), then resized to {size}×{size} by TensorFlow's legacy bilinear (face-api's toBatchTensor)",
            "(x − [122.782, 117.001, 104.298]) / 255 per channel (done by the graph)", Framing(framing), mirrored);

    /// <summary>An input of a raw face-api network.</summary>
    public void RawInput(string name, int size, string normalisation) =>
        Input(name, 3, size, "RGB",
            $"padded to a square (centred, zeros), then resized to {size}×{size} by TensorFlow's legacy bilinear (face-api's toBatchTensor)",
            normalisation + " (done by the graph)", "none", mirrored: false);

    public void Output(string name, string meaning)
    {
        _outputs.Add(name);
        _entries[$"output.{name}"] = meaning;
    }

    private void Input(string name, int channels, int size, string colour, string resize, string scaling, string framing,
        bool mirrored)
    {
        _inputs.Add(name);
        string p = $"input.{name}.";
        _entries[p + "shape"] = string.Create(CultureInfo.InvariantCulture, $"[batch, {channels}, {size}, {size}]");
        _entries[p + "layout"] = "NCHW float32";
        _entries[p + "values"] = "0–255 pixel values";
        _entries[p + "channels"] = colour;
        _entries[p + "scaling"] = scaling;
        _entries[p + "resize"] = resize;
        _entries[p + "framing"] = framing;
        if (mirrored) _entries[p + "mirror"] = "the same framed image flipped left–right before resizing";
    }

    private static string Framing(ImageFraming? framing) => framing switch
    {
        null => "none: the whole image",
        FaceFraming { Photos: true } f => string.Create(CultureInfo.InvariantCulture,
            $"done by the caller: every face found by face-api's SSD detector in a full photo, its box widened by {f.Margin} of its side (GenderML's FaceFraming.ForPhotos)"),
        FaceFraming f => string.Create(CultureInfo.InvariantCulture,
            $"done by the caller: the face box of face-api's tiny detector at {f.DetectorSize} px, widened by {f.Margin} of its side per side, edge {f.Edge.ToString().ToLowerInvariant()} (GenderML's FaceFraming); an image without a face is used whole"),
        _ => "done by the caller: " + framing.Key,
    };
}
