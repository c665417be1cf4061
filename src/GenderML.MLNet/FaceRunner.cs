using System.Text.Json;
using System.Text.Json.Nodes;
using GenderML.FaceApi;
using GenderML.Imaging;
using Microsoft.ML.Data;

namespace GenderML.MLNet;

/// <summary>The detector or the framing of one DetectFaces or CropFaces transform, shared by its rows.</summary>
internal sealed class FaceRunner
{
    private readonly FaceDetector? _detector;
    private readonly FaceFraming? _framing;
    private readonly Lock _lock = new();

    private FaceRunner(JsonElement s)
    {
        if (s.GetProperty("transform").GetString() == "DetectFaces")
        {
            var options = new FaceDetectorOptions
            {
                Kind = Enum.Parse<FaceDetectorKind>(s.GetProperty("kind").GetString()!),
                MinConfidence = s.GetProperty("minConfidence").GetDouble(),
                MaxResults = s.GetProperty("maxResults").GetInt32(),
                TinyInputSize = s.GetProperty("tinyInputSize").GetInt32(),
            };
            _detector = FaceDetector.Load(new FaceModelOptions(), options);
        }
        else
        {
            _framing = FaceFraming.Canonical(s.GetProperty("margin").GetDouble(), s.GetProperty("detectorSize").GetInt32());
        }
    }

    public static byte[] DetectState(FaceDetectorOptions o) => TransformState.Create("DetectFaces", new JsonObject
    {
        ["kind"] = o.Kind.ToString(), ["minConfidence"] = o.MinConfidence, ["maxResults"] = o.MaxResults, ["tinyInputSize"] = o.TinyInputSize,
    });

    public static byte[] CropState(FaceFraming framing) => TransformState.Create("CropFaces", new JsonObject
    {
        ["margin"] = framing.Margin, ["detectorSize"] = framing.DetectorSize,
    });

    public static void Detect(ImageRow row, DetectedFacesRow output)
    {
        var runner = TransformState.Get(row.State, (s, _) => new FaceRunner(s));
        var image = row.Read(null);
        IReadOnlyList<DetectedFace> faces;
        lock (runner._lock) faces = runner._detector!.Detect(image);
        output.Faces = [.. faces.SelectMany(f => new[] { (float)f.X, (float)f.Y, (float)f.Width, (float)f.Height, (float)f.Score })];
    }

    public static void Crop(ImageRow row, FaceCropRow output)
    {
        var runner = TransformState.Get(row.State, (s, _) => new FaceRunner(s));
        var image = row.Read(null);
        Image crop;
        lock (runner._lock) crop = runner._framing!.Frame([image])[0];
        var rgba = new byte[crop.Width * crop.Height * 4];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += crop.Channels)
        {
            rgba[i] = crop.Pixels[j];
            rgba[i + 1] = crop.Pixels[crop.Channels == 3 ? j + 1 : j];
            rgba[i + 2] = crop.Pixels[crop.Channels == 3 ? j + 2 : j];
            rgba[i + 3] = 255;
        }
        output.Crop = MLImage.CreateFromPixels(crop.Width, crop.Height, MLPixelFormat.Rgba32, rgba);
    }
}
