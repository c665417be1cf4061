using GenderML.Classifiers;
using GenderML.FaceApi;
using GenderML.Linear;
using GenderML.Transfer;
using Onnx;

namespace GenderML.Onnx.Tests;

/// <summary>The metadata_props of an exported model say what each input expects and what stays with the caller.</summary>
public sealed class MetadataTests
{
    [Fact]
    public void AFramedTransferModel_NamesItsInputs_TheirShapes_AndTheCallersFraming()
    {
        var framing = FaceFraming.Canonical(0.1, 224, OnnxFixture.ModelsFolder, 1);
        var info = new ClassifierInfo { Kind = "transfer", Architecture = "test", Preprocessing = FaceNetClassifier.Preprocessing(TransferBackbone.FaceResNet) };
        var model = new FaceNetClassifier(info, TransferBackbone.FaceResNet, framing, OnnxFixture.ModelsFolder, new Dictionary<string, string>(),
            new float[128], [.. Enumerable.Repeat(1f, 128)], new LogisticModel(new float[128], 0), 1, mirror: true);
        var onnx = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model));
        var meta = onnx.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("image,image_mirrored", meta["inputs"]);
        Assert.Equal("logit,probability", meta["outputs"]);
        Assert.Equal("[batch, 3, 150, 150]", meta["input.image_mirrored.shape"]);
        Assert.Equal("RGB", meta["input.image.channels"]);
        Assert.StartsWith("done by the caller: the face box of face-api's tiny detector at 224 px, widened by 0.1", meta["input.image.framing"], StringComparison.Ordinal);
        Assert.Contains("flipped left–right", meta["input.image_mirrored.mirror"], StringComparison.Ordinal);
        Assert.Equal(["image", "image_mirrored"], onnx.Graph.Input.Select(i => i.Name));
        Assert.All(onnx.Graph.Input, i => Assert.Equal("batch", i.Type.TensorType.Shape.Dim[0].DimParam));
        // The weights of the network run twice (image and mirror image) are stored once.
        Assert.Equal(onnx.Graph.Initializer.Count, onnx.Graph.Initializer.Select(t => t.Name).Distinct().Count());
        Assert.True(onnx.Graph.Initializer.Sum(t => (long)t.RawData.Length) < 30_000_000);
    }

    [Fact]
    public void TheRawNetworks_HaveABatchAxisNamedBatch()
    {
        foreach (var network in Enum.GetValues<FaceApiNetwork>())
        {
            var onnx = ModelProto.Parser.ParseFrom(OnnxExport.FaceApiNetwork(network, OnnxFixture.ModelsFolder));
            Assert.All(onnx.Graph.Input.Concat(onnx.Graph.Output), v => Assert.Equal("batch", v.Type.TensorType.Shape.Dim[0].DimParam));
        }
    }
}
