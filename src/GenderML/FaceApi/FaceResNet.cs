using GenderML.Core;

namespace GenderML.FaceApi;

/// <summary>
/// The dlib face ResNet as ported by face-api (faceRecognitionNet/*.ts): 29 convs, 150×150×3 → 2×2×256,
/// faceapi-models.md §5. Each conv layer is <c>(conv(x) + b)·scale + shift</c>, folded into one conv.
/// </summary>
internal sealed class FaceResNet
{
    private readonly ConvLayer _convDown;
    private readonly (string Name, Block Block)[] _blocks;

    public FaceResNet(WeightMap w)
    {
        _convDown = Layer(w, "conv32_down", 7, 3, 32, 2, Padding.Valid, Activation.Relu);
        var blocks = new List<(string, Block)>();
        void Add(string name, int cin, int cout, bool down) => blocks.Add((name, new Block(w, name, cin, cout, down)));
        foreach (string n in new[] { "conv32_1", "conv32_2", "conv32_3" }) Add(n, 32, 32, false);
        Add("conv64_down", 32, 64, true);
        foreach (string n in new[] { "conv64_1", "conv64_2", "conv64_3" }) Add(n, 64, 64, false);
        Add("conv128_down", 64, 128, true);
        foreach (string n in new[] { "conv128_1", "conv128_2" }) Add(n, 128, 128, false);
        Add("conv256_down", 128, 256, true);
        foreach (string n in new[] { "conv256_1", "conv256_2" }) Add(n, 256, 256, false);
        Add("conv256_down_out", 256, 256, true);
        _blocks = blocks.ToArray();
    }

    /// <summary>
    /// N×3×150×150 normalised input → N×256×2×2; <paramref name="tap"/> sees each stage (golden names). With
    /// <paramref name="stopAfter"/>, the output of that block instead (the frozen prefix of fine-tuning: <c>conv128_2</c>, N×128×8×8).
    /// </summary>
    public Tensor Forward(Tensor x, ComputeOptions? options, Action<string, Tensor>? tap = null, string? stopAfter = null)
    {
        Tensor o = _convDown.Forward(x, options);
        tap?.Invoke("conv32_down (conv7x7/2 valid+bias+scale+relu)", o);
        o = Pooling.Max(o, 3, 2, Padding.Valid);
        tap?.Invoke("maxpool3x3/2 valid", o);
        foreach (var (name, block) in _blocks)
        {
            o = block.Forward(o, options);
            tap?.Invoke(name, o);
            if (name == stopAfter) break;
        }

        return o;
    }

    private static ConvLayer Layer(WeightMap w, string p, int k, int cin, int cout, int stride, Padding padding, Activation act)
        => new ConvLayer(w.ConvFilterOihw(p + "/conv/filters", k, k, cin, cout), w.Vector(p + "/conv/bias", cout),
                cin, cout, k, stride, padding, act)
            .FoldAffine(w.Vector(p + "/scale/weights", cout), w.Vector(p + "/scale/biases", cout));

    /// <summary>
    /// <c>residual</c>: <c>relu(conv2(conv1(x)) + x)</c>. <c>residualDown</c>: conv1 is 3×3/2 'valid'; the
    /// shortcut is a 2×2/2 average pool with zero channels appended, and the conv branch is zero-padded
    /// bottom/right when it is smaller than the shortcut.
    /// </summary>
    private sealed class Block(WeightMap w, string p, int cin, int cout, bool down)
    {
        private readonly ConvLayer _conv1 = Layer(w, p + "/conv1", 3, cin, cout, down ? 2 : 1, down ? Padding.Valid : Padding.Same, Activation.Relu);
        private readonly ConvLayer _conv2 = Layer(w, p + "/conv2", 3, cout, cout, 1, Padding.Same, Activation.None);

        public Tensor Forward(Tensor x, ComputeOptions? options)
        {
            Tensor o = _conv2.Forward(_conv1.Forward(x, options), options);
            if (!down) return FeatureOps.AddInPlace(o, x, Activation.Relu);
            Tensor pooled = Pooling.AverageValid(x, 2, 2);
            int n = x.Dim(0), ph = pooled.Dim(2), pw = pooled.Dim(3), oh = o.Dim(2), ow = o.Dim(3);
            var y = new Tensor(n, cout, ph, pw);
            for (int b = 0; b < n; b++)
            for (int c = 0; c < cout; c++)
            for (int r = 0; r < ph; r++)
            for (int q = 0; q < pw; q++)
            {
                float pv = c < cin ? pooled.Data[((b * cin + c) * ph + r) * pw + q] : 0f;
                float ov = r < oh && q < ow ? o.Data[((b * cout + c) * oh + r) * ow + q] : 0f;
                y.Data[((b * cout + c) * ph + r) * pw + q] = MathF.Max(pv + ov, 0f);
            }

            return y;
        }
    }
}
