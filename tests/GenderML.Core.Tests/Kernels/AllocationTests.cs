using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

public sealed class AllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void WarmedUpKernelsAllocateNothing(int threads)
    {
        var options = new ComputeOptions { Threads = threads };
        var a = KernelAssert.Random(200 * 300, 1);
        var b = KernelAssert.Random(300 * 250, 2);
        var c = new float[200 * 250];
        var g = new ConvGeometry(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1);
        var dw = new ConvGeometry(4, 16, 12, 12, 16, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 16);
        var x = KernelAssert.Random(g.InputLength, 3);
        var w = KernelAssert.Random(g.WeightLength, 4);
        var y = new float[g.OutputLength];
        var gw = new float[g.WeightLength];
        var bias = new float[g.OutChannels];
        var big = new ConvGeometry(8, 4, 40, 40, 8, 3, 3, 1, 1, 1, 1, 1, 1); // ∂W by the direct kernel
        Assert.True(DirectWeightGradient.Handles(big));
        var bx = KernelAssert.Random(big.InputLength, 5);
        var by = KernelAssert.Random(big.OutputLength, 6);
        var bw = new float[big.WeightLength];
        // Stride 2 with the output channels in the lanes, and a stem with its max pool in the output pass.
        var down = new ConvGeometry(4, 16, 17, 17, 64, 3, 3, 2, 2, 0, 0, 0, 0);
        var stem = new ConvGeometry(2, 3, 29, 29, 32, 7, 7, 2, 2, 0, 0, 0, 0);
        var pool = new GenderML.Core.Ops.PoolGeometry(2 * 32, 12, 12, 3, 2, 0, 0, 0, 0);
        Assert.True(ChannelBlockedConvolution.Handles(down) && ChannelBlockedConvolution.HandlesPooled(stem, pool) || !System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
        var sx = KernelAssert.Random(Math.Max(down.InputLength, stem.InputLength), 7);
        var sw = KernelAssert.Random(Math.Max(down.WeightLength, stem.WeightLength), 8);
        var sy = new float[Math.Max(down.OutputLength, pool.Planes * pool.OutHeight * pool.OutWidth)];
        var sb = new float[64];
        void Step(ComputeOptions options)
        {
            Gemm.Multiply(false, true, 200, 250, 300, a, 300, b, 300, c, 250, false, options);
            Convolution.Forward(g, x, w, bias, y, options);
            Convolution.BackwardInput(g, y, w, x, options);
            Convolution.BackwardWeight(g, x, y, gw, bias, options);
            Convolution.BackwardWeight(big, bx, by, bw, bias.AsSpan(0, 8), options);
            Convolution.Forward(dw, x.AsSpan(0, dw.InputLength), w.AsSpan(0, dw.WeightLength), bias.AsSpan(0, 16), y.AsSpan(0, dw.OutputLength), options);
            Convolution.Forward(down, sx.AsSpan(0, down.InputLength), sw.AsSpan(0, down.WeightLength), sb, sy.AsSpan(0, down.OutputLength), options);
            Convolution.TryForwardPooled(stem, sx.AsSpan(0, stem.InputLength), sw.AsSpan(0, stem.WeightLength), sb.AsSpan(0, 32), relu: true, float.NaN, pool, sy, options, packed: null);
        }
        // Which items the calling thread runs varies from call to call, and a call made while another test holds the
        // worker pool runs every item on the calling thread. One single-threaded step makes this thread meet every
        // item once, so its per-thread state exists before counting, whatever the scheduling.
        Step(new ComputeOptions { Threads = 1 });
        for (int i = 0; i < 3; i++) Step(options);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step(options);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
