using System.Text.Json;
using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.Core.Tests.Layers;

/// <summary>Layer outputs and gradients against PyTorch 1.13 (fixtures/layers.json, made by fixtures/make_layer_fixtures.py).</summary>
public sealed class LayerPyTorchTests
{
    private static readonly JsonElement Cases = LoadCases();

    private static JsonElement LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "layers.json")));
        return doc.RootElement.GetProperty("cases").Clone();
    }

    public static TheoryData<string> Names => new()
    {
        "dense", "conv_pad1_stride2", "conv_tf_same_stride2", "conv_depthwise", "batchnorm_train",
        "maxpool_3_2_pad1", "avgpool_3_2_pad1", "avgpool_3_2_pad1_exclude", "softmax", "gru_last_hidden",
    };

    private static Layer Make(string name) => name switch
    {
        "dense" => new Dense(5, 3, new Random(0)),
        "conv_pad1_stride2" => new Conv2d(3, 4, 3, new Random(0), 2, ConvPadding.Symmetric(1)),
        "conv_tf_same_stride2" => new Conv2d(2, 3, 3, new Random(0), 2, ConvPadding.Same),
        "conv_depthwise" => new Conv2d(4, 4, 3, new Random(0), 1, ConvPadding.Symmetric(1), groups: 4, bias: false),
        "batchnorm_train" => new BatchNorm2d(3),
        "maxpool_3_2_pad1" => new MaxPool2d(3, 2, ConvPadding.Symmetric(1)),
        "avgpool_3_2_pad1" => new AvgPool2d(3, 2, ConvPadding.Symmetric(1)),
        "avgpool_3_2_pad1_exclude" => new AvgPool2d(3, 2, ConvPadding.Symmetric(1), countIncludePad: false),
        "softmax" => new Softmax(),
        "gru_last_hidden" => new Gru(4, 3, new Random(0)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Cases.GetProperty(name);
        var layer = Make(name);
        var parameters = layer.State().ToDictionary(p => p.Name);
        foreach (var p in c.GetProperty("params").EnumerateObject())
            Read(p.Value).Data.CopyTo(parameters[p.Name].Value.Data, 0);
        var output = layer.Forward(Read(c.GetProperty("input")));
        AssertClose(Read(c.GetProperty("output")), output, $"{name} output");
        var gradInput = layer.Backward(Read(c.GetProperty("grad_output")));
        AssertClose(Read(c.GetProperty("grad_input")), gradInput, $"{name} grad input");
        foreach (var p in c.GetProperty("grad_params").EnumerateObject())
            AssertClose(Read(p.Value), parameters[p.Name].Gradient, $"{name} grad {p.Name}");
        if (c.TryGetProperty("buffers", out var buffers))
            foreach (var b in buffers.EnumerateObject())
                AssertClose(Read(b.Value), parameters[b.Name].Value, $"{name} {b.Name}");
    }

    private static Tensor Read(JsonElement e)
    {
        int[] shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        float[] data = e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        return new Tensor(shape, data);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {actual}, PyTorch {expected}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= 1e-4 + 1e-4 * Math.Abs(expected.Data[i]),
                $"{what}[{i}]: ours {actual.Data[i]:G9}, PyTorch {expected.Data[i]:G9}");
    }
}
