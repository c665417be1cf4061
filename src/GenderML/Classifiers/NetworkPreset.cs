namespace GenderML.Classifiers;

/// <summary>The neural-network architectures GenderML can train from scratch.</summary>
public enum NetworkPreset
{
    /// <summary><c>dense</c>: pixels → Dense(128) + ReLU → Dense(1).</summary>
    Dense,

    /// <summary><c>cnn2</c>: two 3×3 conv + ReLU + max-pool blocks (32, 64), Dense(128) + ReLU, Dense(1).</summary>
    Cnn2,

    /// <summary><c>cnn3</c>: three 3×3 conv + ReLU + max-pool blocks (32, 64, 128) with dropout, Dense(128), Dense(1).</summary>
    Cnn3,

    /// <summary><c>vgg</c>: "SmallerVGG": conv-BN blocks 32 / 64-64 / 128-128 with pooling and dropout, Dense(1024), Dense(1).</summary>
    SmallerVgg,

    /// <summary><c>rnn</c>: a GRU reads the image row by row (each row a time step), Dense(1) on its last state.</summary>
    Rnn,

    /// <summary><c>resnet</c>: a compact residual network (BasicBlocks 32/64/128/256 with batch norm), global pooling, Dense(1).</summary>
    ResNet,
}
