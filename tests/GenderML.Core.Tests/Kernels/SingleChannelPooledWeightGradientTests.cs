using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;
using GenderML.Core.Layers;
using GenderML.Core.Ops;
using GenderML.Core.Tests.Layers;

namespace GenderML.Core.Tests.Kernels;

/// <summary><see cref="SingleChannelPooledWeightGradient"/> against its naive twin (the full-size gradient formed from
/// the indices, sums in double), the same bits on 1, 2 and 3 threads, and the layers' gradients through it passing the
/// numerical check.</summary>
public sealed class SingleChannelPooledWeightGradientTests
{
    private static readonly ConvGeometry[] Shapes =
    [
        new(5, 1, 50, 50, 32, 3, 3, 1, 1, 0, 0, 0, 0),  // cnn2's first layer: 48×48 → 24×24 (16 + 8 windows a row)
        new(2, 1, 50, 50, 16, 3, 3, 1, 1, 1, 1, 1, 1),  // cnn3's: padded, 25×25 pooled (16 + 9)
        new(3, 1, 10, 10, 9, 3, 3, 1, 1, 0, 0, 0, 0),   // 4×4 pooled, an odd channel count
        new(1, 1, 34, 66, 8, 3, 3, 1, 1, 1, 1, 1, 1),   // 17×33 pooled (16 + 16 + 1)
    ];

    [Fact]
    public unsafe void MatchesTheReferenceOnAnyThreadCount()
    {
        if (!Avx512F.IsSupported) return;
        foreach (var g in Shapes)
        {
            Assert.True(SingleChannelPooledWeightGradient.Handles(g), g.ToString());
            var pool = new PoolGeometry(g.Batch * g.OutChannels, g.OutHeight, g.OutWidth, 2, 2, 0, 0, 0, 0);
            var x = KernelAssert.Random(g.InputLength, 1);
            var w = KernelAssert.Random(g.WeightLength, 2);
            var b = KernelAssert.Random(g.OutChannels, 3);
            int pooled = pool.Planes * pool.OutHeight * pool.OutWidth;
            var y = new float[pooled];
            var argmax = new byte[pooled];
            fixed (float* px = x, pw = w, pb = b, py = y)
            fixed (byte* pa = argmax)
                SingleChannelPooledConvolution.Forward(g, px, pw, pb, py, pa, 1);
            Assert.True(y.Any(v => v == 0f) && y.Any(v => v > 0f)); // both sides of the ReLU
            var gy = KernelAssert.Random(pooled, 4);
            var dw0 = KernelAssert.Random(g.WeightLength, 5);
            var db0 = KernelAssert.Random(g.OutChannels, 6);
            var dwRef = (float[])dw0.Clone();
            var dbRef = (float[])db0.Clone();
            SingleChannelPooledWeightGradient.Reference(g, x, y, gy, argmax, dwRef, dbRef);
            float[]? first = null, firstB = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var dw = (float[])dw0.Clone();
                var db = (float[])db0.Clone();
                fixed (float* px = x, py = y, pg = gy, pdw = dw, pdb = db)
                fixed (byte* pa = argmax)
                    SingleChannelPooledWeightGradient.Run(g, px, py, pg, pa, pdw, pdb, threads);
                string what = $"{g} threads={threads}";
                KernelAssert.Close(dwRef, dw, 2e-5f * g.Batch, what + " ∂W");
                KernelAssert.Close(dbRef, db, 2e-5f * g.Batch, what + " ∂b");
                if (first is null) (first, firstB) = (dw, db);
                else
                {
                    KernelAssert.BitIdentical(first, dw, what + " ∂W vs 1 thread");
                    KernelAssert.BitIdentical(firstB!, db, what + " ∂b vs 1 thread");
                }
                var noBias = (float[])dw0.Clone();
                fixed (float* px = x, py = y, pg = gy, pdw = noBias)
                fixed (byte* pa = argmax)
                    SingleChannelPooledWeightGradient.Run(g, px, py, pg, pa, pdw, null, threads);
                KernelAssert.BitIdentical(dw, noBias, what + " without bias");
            }
        }
    }

    [Fact]
    public void LayersThroughItPassTheGradientCheck()
    {
        var random = new Random(21);
        var net = new Sequential(new Conv2d(1, 8, 3, random), new ReLU(), new MaxPool2d(2), new Flatten(), new Dense(8 * 5 * 5, 3, random));
        net.InputGradientNeeded = false;
        GradCheck.Check(net, GradCheck.AwayFromZero(22, 3, 1, 12, 12), eps: 1e-3f, maxFailures: 2, checkInput: false);
    }
}
