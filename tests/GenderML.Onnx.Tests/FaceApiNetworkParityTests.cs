using GenderML.Core;
using GenderML.FaceApi;

namespace GenderML.Onnx.Tests;

/// <summary>The raw face-api networks exported to ONNX give GenderML's outputs in ONNX Runtime, on real images.</summary>
public sealed class FaceApiNetworkParityTests
{
    private const double Tolerance = 1e-4;
    private static FaceModelOptions Options => new(OnnxFixture.ModelsFolder) { Compute = new ComputeOptions { Threads = 2 } };

    [Fact]
    public void FaceRecognition_Descriptors_Match()
    {
        var images = OnnxFixture.Images(2);
        var expected = FaceRecognitionNet.Load(Options).ComputeDescriptors(images).SelectMany(d => d).ToArray();
        var onnx = OnnxExport.FaceApiNetwork(FaceApiNetwork.FaceRecognition, OnnxFixture.ModelsFolder);
        var actual = OnnxFixture.Run(onnx, images.Length, ("image", OnnxFixture.FaceInput(images, FaceRecognitionNet.InputSize)));
        OnnxFixture.Near(expected, actual["descriptor"], Tolerance, "descriptor");
    }

    [Fact]
    public void AgeGender_AgeGenderAndFeatures_Match()
    {
        var images = OnnxFixture.Images(2);
        var net = AgeGenderNet.Load(Options);
        var estimates = net.Predict(images);
        var features = net.ExtractFeatures(images).SelectMany(f => f).ToArray();
        var onnx = OnnxExport.FaceApiNetwork(FaceApiNetwork.AgeGender, OnnxFixture.ModelsFolder);
        var actual = OnnxFixture.Run(onnx, images.Length, ("image", OnnxFixture.FaceInput(images, AgeGenderNet.InputSize)));
        OnnxFixture.Near(features, actual["features"], Tolerance, "features");
        OnnxFixture.Near([.. estimates.Select(e => e.ProbabilityMale)], [.. actual["gender"].Where((_, i) => i % 2 == 0)], Tolerance, "P(male)");
        // Age is in years (tens): the same relative accuracy.
        OnnxFixture.Near([.. estimates.Select(e => e.Age)], actual["age"], Tolerance * 100, "age");
    }

    [Fact]
    public void TinyFaceDetector_RawGrid_Matches()
    {
        const int Size = 224;
        var images = OnnxFixture.Images(1);
        var net = new TinyFaceDetectorNet(TfjsWeights.Load(OnnxFixture.ModelsFolder, "tiny_face_detector_model"));
        var x = FaceInput.ToBatch(images, Size, centred: true, InputNormalization.TinyYoloMeans);
        var expected = net.Forward(x).Data.ToArray();
        var onnx = OnnxExport.FaceApiNetwork(FaceApiNetwork.TinyFaceDetector, OnnxFixture.ModelsFolder, Size);
        var actual = OnnxFixture.Run(onnx, images.Length, ("image", OnnxFixture.FaceInput(images, Size)));
        Assert.Equal(images.Length * 25 * 7 * 7, actual["grid"].Length);
        OnnxFixture.Near(expected, actual["grid"], Tolerance, "grid");
    }
}
