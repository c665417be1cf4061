using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using GenderML.Classifiers;
using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.FaceApi;
using GenderML.Onnx.Graph;
using Google.Protobuf;
using OnnxExport = GenderML.Onnx.OnnxExport;
using FaceApiNetwork = GenderML.Onnx.FaceApiNetwork;

/// <summary>
/// One network on both engines: ours as the product runs it (its Core layers, evaluation mode, on a prepared N×C×S×S
/// tensor of 0–255 values that it normalises first) and the same network exported to ONNX (the graph normalises).
/// </summary>
internal sealed record BenchNetwork(string Name, int Channels, int Side, Func<int, Func<Tensor, Tensor>> Ours, byte[] Onnx,
    Func<int, Sequential> Layers, Action<Tensor, Tensor> Normalize);

internal static class Networks
{
    public static readonly string[] Names = ["faceresnet-150", "agegender-112", "tinydetector-416", "cnn3-50-gray"];

    public static BenchNetwork Build(string name, string models) => name switch
    {
        "faceresnet-150" => FaceResNet150(models),
        "agegender-112" => AgeGender112(models),
        "tinydetector-416" => Tiny416(models),
        "cnn3-50-gray" => Cnn3(),
        _ => throw new ArgumentException($"unknown network '{name}' (one of {string.Join(", ", Names)})"),
    };

    private static FaceModelOptions Options(string models, int threads) =>
        new(models) { Compute = new ComputeOptions { Threads = threads } };

    private static BenchNetwork FaceResNet150(string models)
    {
        Func<Tensor, Tensor> Ours(int threads)
        {
            var (resnet, fc) = FaceRecognitionNet.Load(Options(models, threads)).Parts;
            var mean = new GlobalAvgPool();
            return x => fc.Forward(mean.Forward(resnet.Forward(x)));
        }
        return new BenchNetwork("faceresnet-150", 3, 150, Ours, OnnxExport.FaceApiNetwork(FaceApiNetwork.FaceRecognition, models),
            t => FaceRecognitionNet.Load(Options(models, t)).Parts.ResNet.Layers, Means(InputNormalization.FaceMeans));
    }

    private static BenchNetwork AgeGender112(string models)
    {
        Func<Tensor, Tensor> Ours(int threads)
        {
            var (backbone, age, gender) = AgeGenderNet.Load(Options(models, threads)).Parts;
            var mean = new GlobalAvgPool();
            var softmax = new Softmax();
            return x =>
            {
                var pooled = mean.Forward(backbone.Forward(x));
                softmax.Forward(gender.Forward(pooled));
                return age.Forward(pooled); // the graph's first output, compared with ORT's
            };
        }
        return new BenchNetwork("agegender-112", 3, 112, Ours, OnnxExport.FaceApiNetwork(FaceApiNetwork.AgeGender, models),
            t => AgeGenderNet.Load(Options(models, t)).Parts.Backbone.Layers, Means(InputNormalization.FaceMeans));
    }

    private static BenchNetwork Tiny416(string models)
    {
        TinyFaceDetectorNet Load(int threads) =>
            new(TfjsWeights.Load(models, "tiny_face_detector_model"), new ComputeOptions { Threads = threads });
        Func<Tensor, Tensor> Ours(int threads)
        {
            var net = Load(threads);
            return x => net.Forward(x);
        }
        return new BenchNetwork("tinydetector-416", 3, 416, Ours, OnnxExport.FaceApiNetwork(FaceApiNetwork.TinyFaceDetector, models, 416),
            t => Load(t).Layers, Means(InputNormalization.TinyYoloMeans));
    }

    /// <summary>The product's cnn3 on 50×50 gray (random weights, seed 1), as its preset builds it and its classifier
    /// runs it (evaluation mode, weights frozen).</summary>
    private static BenchNetwork Cnn3()
    {
        var spec = new NetworkSpec(NetworkPreset.Cnn3, 1, 50, 0);
        Layer Build(int threads)
        {
            var net = spec.Build(seed: 1).Network;
            net.SetTraining(false);
            foreach (var p in net.Parameters()) p.Trainable = false;
            net.SetCompute(new ComputeOptions { Threads = threads });
            return net;
        }
        Func<Tensor, Tensor> Ours(int threads)
        {
            var net = Build(threads);
            return x => net.Forward(x);
        }
        var g = new OnnxGraph("cnn3");
        var image = g.Input("image", 1, 50, 50);
        var x = g.Binary("Mul", image, g.Scalar("scale", 1f / (255f * NetworkSpec.Std)));
        x = g.Binary("Add", x, g.Scalar("offset", -NetworkSpec.Mean / NetworkSpec.Std));
        g.Output("logit", LayerWriter.Write(g, Build(1), x));
        byte[] onnx = g.ToModel(new Dictionary<string, string>(), "cnn3-50-gray, random weights").ToByteArray();
        return new BenchNetwork("cnn3-50-gray", 1, 50, Ours, onnx, t => (Sequential)Build(t), (src, dst) =>
        {
            TensorPrimitives.Multiply(src.Data, 1f / (255f * NetworkSpec.Std), dst.Data);
            TensorPrimitives.Add(dst.Data, -NetworkSpec.Mean / NetworkSpec.Std, dst.Data);
        });
    }

    /// <summary>face-api's <c>(x − mean_c) / 255</c> on an N×3×S×S tensor.</summary>
    private static Action<Tensor, Tensor> Means(InputNormalization n) => (src, dst) =>
    {
        int plane = src.Dim(2) * src.Dim(3);
        float[] means = [n.MeanR, n.MeanG, n.MeanB];
        for (int p = 0; p < src.Length / plane; p++)
        {
            var to = dst.Data.AsSpan(p * plane, plane);
            TensorPrimitives.Subtract(src.Data.AsSpan(p * plane, plane), means[p % 3], to);
            TensorPrimitives.Divide(to, 255f, to);
        }
    };
}
