using GenderML.Core;
using GenderML.Core.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace GenderML.FaceApi;

/// <summary>
/// dlib's residual block (faceapi-models.md §5), forward and backward. Each conv is <c>affine(conv(x) + b)</c> with
/// dlib's per-channel scale layer either kept as a <see cref="ChannelAffine"/> (trainable form) or folded into the
/// conv's weights and bias (inference form, as face-api runs it).
/// <c>residual</c>: <c>y = relu(a2(c2(relu(a1(c1(x))))) + x)</c>, 3×3 'same' convs.
/// <c>residualDown</c>: c1 is 3×3/2 'valid'; the shortcut is a 2×2/2 average pool of x with zero channels appended
/// (<c>[pool(x), 0]</c>), and the conv branch is zero-padded bottom/right to the pooled size.
/// </summary>
internal sealed class FaceResidualBlock : Layer, IConvPairBlock
{
    private readonly Conv2d _conv1, _conv2;
    private readonly ChannelAffine? _affine1, _affine2;
    private readonly ReLU _relu1 = new();
    private readonly AvgPool2d? _pool;
    private Tensor? _output, _shortcut, _gradBranch, _gradPooled, _gradInput;
    private int _branchHeight, _branchWidth;

    /// <summary>Creates the block with random weights; <paramref name="foldedScale"/> leaves out the scale layers.
    /// </summary>
    public FaceResidualBlock(int inChannels, int outChannels, bool down, Random random, bool foldedScale = false)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!down && inChannels != outChannels)
            throw new ArgumentException("a residual block without downsampling keeps its channel count");
        if (outChannels < inChannels) throw new ArgumentException("residualDown appends channels, it never drops them");
        InChannels = inChannels;
        OutChannels = outChannels;
        Down = down;
        _conv1 = AddChild("conv1", new Conv2d(inChannels, outChannels, 3, random, down ? 2 : 1,
            down ? ConvPadding.Valid : ConvPadding.Same));
        if (!foldedScale) _affine1 = AddChild("scale1", new ChannelAffine(outChannels));
        _conv2 = AddChild("conv2", new Conv2d(outChannels, outChannels, 3, random, 1, ConvPadding.Same));
        if (!foldedScale) _affine2 = AddChild("scale2", new ChannelAffine(outChannels));
        if (down) _pool = new AvgPool2d(2, 2);
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public bool Down { get; }

    /// <summary>Whether dlib's scale layers are folded into the convs (no <c>scale1</c>, <c>scale2</c>).</summary>
    public bool FoldedScale => _affine1 is null;

    /// <inheritdoc/>
    (Conv2d First, Conv2d Second)? IConvPairBlock.Convolutions => FoldedScale ? (_conv1, _conv2) : null;

    /// <summary>The block's parts: the two convs and, in the trainable form, the two scale layers.</summary>
    internal (Conv2d Conv1, ChannelAffine? Scale1, Conv2d Conv2, ChannelAffine? Scale2) Parts =>
        (_conv1, _affine1, _conv2, _affine2);

    /// <summary>
    /// Sets the weights from face-api's <c>P/conv1</c> and <c>P/conv2</c> tensors (<c>conv/filters</c>,
    /// <c>conv/bias</c>, <c>scale/weights</c>, <c>scale/biases</c>); folded: <c>W'[o] = W[o]·s[o]</c>,
    /// <c>b'[o] = b[o]·s[o] + t[o]</c>.
    /// </summary>
    public void Load(WeightMap w, string prefix)
    {
        Load(w, prefix + "/conv1", InChannels, _conv1, _affine1);
        Load(w, prefix + "/conv2", OutChannels, _conv2, _affine2);
    }

    private void Load(WeightMap w, string p, int cin, Conv2d conv, ChannelAffine? affine)
    {
        float[] weight = conv.Weight.Value.Data, bias = conv.Bias!.Value.Data;
        w.ConvFilterOihw(p + "/conv/filters", 3, 3, cin, OutChannels).CopyTo(weight, 0);
        w.Vector(p + "/conv/bias", OutChannels).CopyTo(bias, 0);
        float[] scale = w.Vector(p + "/scale/weights", OutChannels), shift = w.Vector(p + "/scale/biases", OutChannels);
        if (affine is not null)
        {
            scale.CopyTo(affine.Scale.Value.Data, 0);
            shift.CopyTo(affine.Shift.Value.Data, 0);
            return;
        }
        TfjsLayers.FoldScale(weight, bias, scale, shift);
    }

    public override Tensor Forward(Tensor input)
    {
        if (!Training && FoldedScale) return ForwardFused(input);
        var a1 = _conv1.Forward(input);
        if (_affine1 is not null) a1 = _affine1.Forward(a1);
        var branch = _conv2.Forward(_relu1.Forward(a1));
        if (_affine2 is not null) branch = _affine2.Forward(branch);
        if (_pool is null)
        {
            var sum = Like(ref _output, branch);
            TensorPrimitives.Add(branch.Data, input.Data, sum.Data);
            TensorPrimitives.Max(sum.Data, 0f, sum.Data);
            return sum;
        }
        var pooled = _pool.Forward(input);
        var y = Ensure(ref _output, input.Dim(0), OutChannels, pooled.Dim(2), pooled.Dim(3));
        (_branchHeight, _branchWidth) = (branch.Dim(2), branch.Dim(3));
        Combine(pooled, branch, y);
        return y;
    }

    /// <summary>
    /// Inference with the scale layers folded: each conv's bias, the ReLU after c1, and the shortcut add and ReLU
    /// after c2 run in the convolutions' output pass (<see cref="Conv2d.ForwardFused"/>).
    /// </summary>
    private Tensor ForwardFused(Tensor input)
    {
        var a1 = _conv1.ForwardFused(input, null, relu: true);
        if (_pool is null) return _conv2.ForwardFused(a1, input, relu: true);
        var pooled = _pool.Forward(input);
        int n = input.Dim(0), ph = pooled.Dim(2), pw = pooled.Dim(3);
        if (a1.Dim(2) == ph && a1.Dim(3) == pw)
        {
            // The shortcut [pool(x), 0] is shaped like conv2's output: add it there. Its appended channels are zero
            // from allocation and never written.
            var shortcut = Ensure(ref _shortcut, n, OutChannels, ph, pw);
            int inPlane = InChannels * ph * pw, outPlane = OutChannels * ph * pw;
            for (int b = 0; b < n; b++)
                pooled.Data.AsSpan(b * inPlane, inPlane).CopyTo(shortcut.Data.AsSpan(b * outPlane));
            return _conv2.ForwardFused(a1, shortcut, relu: true);
        }
        var branch = _conv2.Forward(a1);
        var y = Ensure(ref _output, n, OutChannels, ph, pw);
        Combine(pooled, branch, y);
        return y;
    }

    /// <summary>
    /// <c>y = relu([pooled, 0] + branch zero-padded bottom/right)</c>, a plane at a time: each value is
    /// <c>max(shortcut + branch, 0)</c> inside the branch and <c>max(shortcut, 0)</c> in its padding, with the shortcut
    /// 0 in the appended channels.
    /// </summary>
    private void Combine(Tensor pooled, Tensor branch, Tensor y)
    {
        int n = y.Dim(0), ph = y.Dim(2), pw = y.Dim(3), bh = branch.Dim(2), bw = branch.Dim(3);
        if (bh > ph || bw > pw)
            throw new ArgumentException($"{Name}: the conv branch {branch} is larger than the shortcut {pooled}");
        float[] p = pooled.Data, o = branch.Data, d = y.Data;
        int plane = ph * pw, branchPlane = bh * bw;
        for (int b = 0; b < n; b++)
        for (int c = 0; c < OutChannels; c++)
        {
            var dst = d.AsSpan((b * OutChannels + c) * plane, plane);
            var add = o.AsSpan((b * OutChannels + c) * branchPlane, branchPlane);
            if (c < InChannels) p.AsSpan((b * InChannels + c) * plane, plane).CopyTo(dst);
            else dst.Clear();
            for (int r = 0; r < ph; r++)
            for (int q = 0; q < pw; q++)
            {
                float v = dst[r * pw + q];
                if (r < bh && q < bw) v += add[r * bw + q];
                dst[r * pw + q] = MathF.Max(v, 0f);
            }
        }
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        var y = _output ?? throw new InvalidOperationException("FaceResidualBlock.Backward before Forward");
        // g = ∂loss/∂(pre-ReLU sum), kept in _gradBranch's place for the identity block.
        if (_pool is null)
        {
            var g = Like(ref _gradBranch, y);
            for (int i = 0; i < g.Length; i++) g.Data[i] = y.Data[i] > 0f ? gradOutput.Data[i] : 0f;
            var gx = BranchBackward(g);
            var gradInput = Like(ref _gradInput, gx);
            TensorPrimitives.Add(gx.Data, g.Data, gradInput.Data);
            return gradInput;
        }
        int n = y.Dim(0), ph = y.Dim(2), pw = y.Dim(3);
        int bh = _branchHeight, bw = _branchWidth;
        var gBranch = Ensure(ref _gradBranch, n, OutChannels, bh, bw);
        var gPooled = Ensure(ref _gradPooled, n, InChannels, ph, pw);
        for (int b = 0; b < n; b++)
        for (int c = 0; c < OutChannels; c++)
        for (int r = 0; r < ph; r++)
        for (int q = 0; q < pw; q++)
        {
            int at = ((b * OutChannels + c) * ph + r) * pw + q;
            float gs = y.Data[at] > 0f ? gradOutput.Data[at] : 0f;
            if (c < InChannels) gPooled.Data[((b * InChannels + c) * ph + r) * pw + q] = gs;
            if (r < bh && q < bw) gBranch.Data[((b * OutChannels + c) * bh + r) * bw + q] = gs;
        }
        var gxBranch = BranchBackward(gBranch);
        var gxPool = _pool.Backward(gPooled);
        var result = Like(ref _gradInput, gxBranch);
        TensorPrimitives.Add(gxBranch.Data, gxPool.Data, result.Data);
        return result;
    }

    private Tensor BranchBackward(Tensor g)
    {
        if (_affine2 is not null) g = _affine2.Backward(g);
        g = _relu1.Backward(_conv2.Backward(g));
        if (_affine1 is not null) g = _affine1.Backward(g);
        return _conv1.Backward(g);
    }

    private static Tensor Like(ref Tensor? t, Tensor like) => Ensure(ref t, like.Dim(0), like.Dim(1), like.Dim(2), like.Dim(3));

    private static Tensor Ensure(ref Tensor? t, int n, int c, int h, int w)
    {
        if (t is null || !t.HasShape(n, c, h, w)) t = new Tensor(n, c, h, w);
        return t;
    }
}
