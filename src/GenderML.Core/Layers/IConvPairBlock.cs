namespace GenderML.Core.Layers;

/// <summary>
/// A residual block of two 3×3 convolutions, as <see cref="ChannelBlockedPlan"/> reads it:
/// <c>y = relu(conv2(relu(conv1(x))) + s(x))</c> with both convolutions' bias (and any scale) in their weights, s the
/// input itself, or when <see cref="Down"/> (conv1 3×3/2 unpadded) the input's 2×2/2 average pool with zero channels
/// appended, conv2's output zero-padded bottom and right to the pool's size (dlib's <c>residual_down</c>).
/// </summary>
internal interface IConvPairBlock
{
    /// <summary>The two convolutions, or null when the block runs other steps between them (then no plan takes it).
    /// </summary>
    (Conv2d First, Conv2d Second)? Convolutions { get; }

    /// <summary>Whether the block halves the map and takes the pooled shortcut.</summary>
    bool Down { get; }
}
