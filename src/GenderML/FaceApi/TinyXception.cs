using GenderML.Core;

namespace GenderML.FaceApi;

/// <summary>
/// face-api's TinyXception feature extractor with two middle blocks (xception/TinyXception.ts):
/// 112×112×3 → 7×7×512 (faceapi-models.md §4).
/// </summary>
internal sealed class TinyXception
{
    private readonly ConvLayer _convIn;
    private readonly ReductionBlock _reduction0, _reduction1, _exitReduction;
    private readonly MainBlock _main0, _main1;
    private readonly SeparableConv _exitConv;

    public TinyXception(WeightMap w)
    {
        _convIn = new ConvLayer(w.ConvFilterOihw("entry_flow/conv_in/filters", 3, 3, 3, 32), w.Vector("entry_flow/conv_in/bias", 32),
            3, 32, 3, 2, Padding.Same, Activation.Relu);
        _reduction0 = new ReductionBlock(w, "entry_flow/reduction_block_0", 32, 64, activateInput: false);
        _reduction1 = new ReductionBlock(w, "entry_flow/reduction_block_1", 64, 128, activateInput: true);
        _main0 = new MainBlock(w, "middle_flow/main_block_0", 128);
        _main1 = new MainBlock(w, "middle_flow/main_block_1", 128);
        _exitReduction = new ReductionBlock(w, "exit_flow/reduction_block", 128, 256, activateInput: true);
        _exitConv = SeparableConv.Load(w, "exit_flow/separable_conv", 256, 512, Activation.Relu);
    }

    /// <summary>N×3×112×112 normalised input → N×512×7×7; <paramref name="tap"/> sees each stage (golden names).</summary>
    public Tensor Forward(Tensor x, ComputeOptions? options, Action<string, Tensor>? tap = null)
    {
        Tensor o = _convIn.Forward(x, options);
        tap?.Invoke("entry_flow/conv_in+relu", o);
        o = _reduction0.Forward(o, options);
        tap?.Invoke("entry_flow/reduction_block_0", o);
        o = _reduction1.Forward(o, options);
        tap?.Invoke("entry_flow/reduction_block_1", o);
        o = _main0.Forward(o, options);
        tap?.Invoke("middle_flow/main_block_0", o);
        o = _main1.Forward(o, options);
        tap?.Invoke("middle_flow/main_block_1", o);
        o = _exitReduction.Forward(o, options);
        tap?.Invoke("exit_flow/reduction_block", o);
        o = _exitConv.Forward(o, options);
        tap?.Invoke("exit_flow/separable_conv+relu (bottleneck)", o);
        return o;
    }

    /// <summary><c>maxPool3×3/2(sep1(relu(sep0(act(x))))) + conv1×1/2(x)</c>; the shortcut takes x before the ReLU.</summary>
    private sealed class ReductionBlock(WeightMap w, string p, int cin, int cout, bool activateInput)
    {
        private readonly SeparableConv _sep0 = SeparableConv.Load(w, p + "/separable_conv0", cin, cout, Activation.Relu);
        private readonly SeparableConv _sep1 = SeparableConv.Load(w, p + "/separable_conv1", cout, cout, Activation.None);
        private readonly ConvLayer _expansion = new(w.ConvFilterOihw(p + "/expansion_conv/filters", 1, 1, cin, cout),
            w.Vector(p + "/expansion_conv/bias", cout), cin, cout, 1, 2, Padding.Same, Activation.None);

        public Tensor Forward(Tensor x, ComputeOptions? options)
        {
            Tensor a = _sep0.Forward(activateInput ? FeatureOps.Activated(x, Activation.Relu) : x, options);
            a = Pooling.Max(_sep1.Forward(a, options), 3, 2, Padding.Same);
            return FeatureOps.AddInPlace(a, _expansion.Forward(x, options));
        }
    }

    /// <summary><c>x + sep2(relu(sep1(relu(sep0(relu(x))))))</c>.</summary>
    private sealed class MainBlock(WeightMap w, string p, int c)
    {
        private readonly SeparableConv _sep0 = SeparableConv.Load(w, p + "/separable_conv0", c, c, Activation.Relu);
        private readonly SeparableConv _sep1 = SeparableConv.Load(w, p + "/separable_conv1", c, c, Activation.Relu);
        private readonly SeparableConv _sep2 = SeparableConv.Load(w, p + "/separable_conv2", c, c, Activation.None);

        public Tensor Forward(Tensor x, ComputeOptions? options)
        {
            Tensor o = _sep0.Forward(FeatureOps.Activated(x, Activation.Relu), options);
            o = _sep2.Forward(_sep1.Forward(o, options), options);
            return FeatureOps.AddInPlace(o, x);
        }
    }
}
