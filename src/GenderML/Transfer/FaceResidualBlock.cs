using GenderML.Core;
using GenderML.Core.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace GenderML.Transfer;

/// <summary>
/// dlib's residual block with its backward pass, for fine-tuning (faceapi-models.md §5). Each conv is
/// <c>affine(conv(x) + b)</c> with dlib's per-channel scale layer as a <see cref="ChannelAffine"/>.
/// <c>residual</c>: <c>y = relu(a2(c2(relu(a1(c1(x))))) + x)</c>, 3×3 'same' convs.
/// <c>residualDown</c>: c1 is 3×3/2 'valid'; the shortcut is a 2×2/2 average pool of x with zero channels appended
/// (<c>[pool(x), 0]</c>), and the conv branch is zero-padded bottom/right to the pooled size.
/// </summary>
internal sealed class FaceResidualBlock : Layer
{
    private readonly Conv2d _conv1, _conv2;
    private readonly ChannelAffine _affine1, _affine2;
    private readonly ReLU _relu1 = new();
    private readonly AvgPool2d? _pool;
    private Tensor? _output, _gradBranch, _gradPooled, _gradInput;
    private int _branchHeight, _branchWidth;

    public FaceResidualBlock(int inChannels, int outChannels, bool down, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!down && inChannels != outChannels) throw new ArgumentException("a residual block without downsampling keeps its channel count");
        if (outChannels < inChannels) throw new ArgumentException("residualDown appends channels, it never drops them");
        InChannels = inChannels;
        OutChannels = outChannels;
        Down = down;
        _conv1 = AddChild("conv1", new Conv2d(inChannels, outChannels, 3, random, down ? 2 : 1, down ? ConvPadding.Valid : ConvPadding.Same));
        _affine1 = AddChild("scale1", new ChannelAffine(outChannels));
        _conv2 = AddChild("conv2", new Conv2d(outChannels, outChannels, 3, random, 1, ConvPadding.Same));
        _affine2 = AddChild("scale2", new ChannelAffine(outChannels));
        if (down) _pool = new AvgPool2d(2, 2);
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public bool Down { get; }

    public Conv2d Conv1 => _conv1;

    public Conv2d Conv2 => _conv2;

    public ChannelAffine Affine1 => _affine1;

    public ChannelAffine Affine2 => _affine2;

    public override Tensor Forward(Tensor input)
    {
        var branch = _affine2.Forward(_conv2.Forward(_relu1.Forward(_affine1.Forward(_conv1.Forward(input)))));
        if (_pool is null)
        {
            var sum = Like(ref _output, branch);
            TensorPrimitives.Add(branch.Data, input.Data, sum.Data);
            TensorPrimitives.Max(sum.Data, 0f, sum.Data);
            return sum;
        }
        var pooled = _pool.Forward(input);
        int n = input.Dim(0), ph = pooled.Dim(2), pw = pooled.Dim(3), bh = branch.Dim(2), bw = branch.Dim(3);
        (_branchHeight, _branchWidth) = (bh, bw);
        if (bh > ph || bw > pw) throw new ArgumentException($"{Name}: the conv branch {branch} is larger than the shortcut {pooled}");
        var y = Ensure(ref _output, n, OutChannels, ph, pw);
        for (int b = 0; b < n; b++)
        for (int c = 0; c < OutChannels; c++)
        for (int r = 0; r < ph; r++)
        for (int q = 0; q < pw; q++)
        {
            float pv = c < InChannels ? pooled.Data[((b * InChannels + c) * ph + r) * pw + q] : 0f;
            float ov = r < bh && q < bw ? branch.Data[((b * OutChannels + c) * bh + r) * bw + q] : 0f;
            y.Data[((b * OutChannels + c) * ph + r) * pw + q] = MathF.Max(pv + ov, 0f);
        }
        return y;
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

    private Tensor BranchBackward(Tensor g) =>
        _conv1.Backward(_affine1.Backward(_relu1.Backward(_conv2.Backward(_affine2.Backward(g)))));

    private static Tensor Like(ref Tensor? t, Tensor like) => Ensure(ref t, like.Dim(0), like.Dim(1), like.Dim(2), like.Dim(3));

    private static Tensor Ensure(ref Tensor? t, int n, int c, int h, int w)
    {
        if (t is null || !t.HasShape(n, c, h, w)) t = new Tensor(n, c, h, w);
        return t;
    }
}
