using GenderML.FaceApi;
using GenderML.Imaging;
using GenderML.Transfer;

namespace GenderML.Batch.Processors;

/// <summary><see cref="BatchKind.Detect"/>: every face face-api's SSD or tiny detector finds, as <c>predict --detect-faces</c>
/// finds them (default detector options).</summary>
internal sealed class DetectProcessor(FaceDetector detector, string model, string hash) : BatchProcessor(model, hash)
{
    public static DetectProcessor Load(BatchOptions options, int threads)
    {
        var kind = options.Model switch
        {
            null or "ssd" => FaceDetectorKind.SsdMobilenetV1,
            "tiny" => FaceDetectorKind.Tiny,
            _ => throw new ArgumentException($"unknown detector '{options.Model}' (ssd or tiny)", nameof(options)),
        };
        string file = kind == FaceDetectorKind.Tiny ? "tiny_face_detector_model.bin" : "ssd_mobilenetv1_model.bin";
        var detector = FaceDetector.Load(FaceModelsFolder.Options(options.FaceModelsFolder, threads), new FaceDetectorOptions { Kind = kind });
        string name = kind == FaceDetectorKind.Tiny ? "tiny" : "ssd";
        return new DetectProcessor(detector, name, ModelFiles.HashOf(options.FaceModelsFolder, file));
    }

    public override void Process(IReadOnlyList<BatchRow> rows, IReadOnlyList<string> files, int threads)
    {
        var (good, images) = Decode(rows, files, threads, f => Image.Load(f));
        if (images.Length == 0) return;
        var faces = detector.Detect(images);
        for (int k = 0; k < good.Length; k++)
            rows[good[k]].Faces = [.. faces[k].Select(f => new BatchFace { X = f.X, Y = f.Y, Width = f.Width, Height = f.Height, Score = f.Score })];
    }
}
