using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.FaceApi;

namespace GenderML.Transfer;

/// <summary>
/// The trainable part of a fine-tuned face ResNet: on the frozen prefix's N×128×8×8 output, the face ResNet's blocks
/// from <see cref="TrainableFrom"/> on (<see cref="FaceResNet.Trainable"/>: <c>conv256_down</c> → 4×4 …
/// <c>conv256_down_out</c> → 2×2, then the spatial mean, N×256), then a logistic head
/// <c>z = w·pooled + b</c>, P(male) = σ(z). With <see cref="FlipTest"/>, a prediction is σ of the mean logit of the
/// image and its mirror.
/// </summary>
internal sealed class FineTuneNetwork
{
    public const int PrefixChannels = 128, PrefixSide = 8, PrefixLength = PrefixChannels * PrefixSide * PrefixSide;

    /// <summary>Features the head reads.</summary>
    public const int Pooled = FaceResNet.OutChannels;

    /// <summary>The name of the last frozen block.</summary>
    public const string PrefixEnd = "conv128_2";

    /// <summary>The name of the first trained block.</summary>
    public const string TrainableFrom = "conv256_down";

    /// <summary>The stage and head drawn from <paramref name="seed"/>.</summary>
    public FineTuneNetwork(int seed = 0) : this(null, seed) { }

    private FineTuneNetwork(WeightMap? pretrained, int seed)
    {
        var random = new Random(seed);
        Stage = FaceResNet.Trainable(TrainableFrom, random, pretrained).Layers;
        Head = new Dense(Pooled, 1, random);
        Network = new Sequential(Stage, Head) { InputGradientNeeded = false };
    }

    /// <summary>Blocks then global mean: N×128×8×8 → N×256.</summary>
    public Sequential Stage { get; }

    /// <summary>The logistic head 256 → 1.</summary>
    public Dense Head { get; }

    /// <summary>Stage then head.</summary>
    public Sequential Network { get; }

    /// <summary>Predictions average the logits of the image and its mirror.</summary>
    public bool FlipTest { get; set; }

    /// <summary>The stage with face-api's pretrained weights (dlib's conv + bias, then the scale layer as a channel affine).</summary>
    public static FineTuneNetwork Pretrained(WeightMap w) => new(w, 0);

    public void SetCompute(int threads) => Network.SetCompute(new ComputeOptions { Threads = Math.Max(1, threads) });

    /// <summary>The N×128×8×8 float batch of prefixes <paramref name="rows"/>[indices].</summary>
    public static Tensor Batch(IReadOnlyList<Half[]> rows, ReadOnlySpan<int> indices)
    {
        var x = new Tensor(indices.Length, PrefixChannels, PrefixSide, PrefixSide);
        for (int k = 0; k < indices.Length; k++)
        {
            var src = rows[indices[k]];
            var dst = x.Data.AsSpan(k * PrefixLength, PrefixLength);
            for (int j = 0; j < PrefixLength; j++) dst[j] = (float)src[j];
        }
        return x;
    }

    /// <summary>The head's logit of each prefix (in batches of 128).</summary>
    public float[] Logits(IReadOnlyList<Half[]> prefixes)
    {
        var z = new float[prefixes.Count];
        int[] all = [.. Enumerable.Range(0, prefixes.Count)];
        for (int start = 0; start < prefixes.Count; start += 128)
        {
            int m = Math.Min(128, prefixes.Count - start);
            var y = Network.Forward(Batch(prefixes, all.AsSpan(start, m)));
            y.Data.AsSpan(0, m).CopyTo(z.AsSpan(start));
        }
        return z;
    }

    /// <summary>The pooled 256 features of each prefix (frozen-head fitting).</summary>
    public float[] PooledFeatures(IReadOnlyList<Half[]> prefixes)
    {
        var f = new float[prefixes.Count * Pooled];
        int[] all = [.. Enumerable.Range(0, prefixes.Count)];
        for (int start = 0; start < prefixes.Count; start += 128)
        {
            int m = Math.Min(128, prefixes.Count - start);
            var y = Stage.Forward(Batch(prefixes, all.AsSpan(start, m)));
            y.Data.AsSpan(0, m * Pooled).CopyTo(f.AsSpan(start * Pooled));
        }
        return f;
    }

    /// <summary>P(male) from the logits of the images and (when <see cref="FlipTest"/>) of their mirrors.</summary>
    public float[] Probabilities(IReadOnlyList<Half[]> plain, IReadOnlyList<Half[]>? mirrored)
    {
        var z = Logits(plain);
        if (FlipTest)
        {
            var zm = Logits(mirrored ?? throw new ArgumentException("this model averages over mirror images; their prefixes are needed"));
            for (int i = 0; i < z.Length; i++) z[i] = 0.5f * (z[i] + zm[i]);
        }
        return [.. z.Select(Sigmoid)];
    }

    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));
}
