namespace GenderML.Core.Kernels;

/// <summary>
/// Direct kernels for depthwise convolution (groups = in channels = out channels): each output plane is its input
/// plane filtered by its own KH×KW taps, done tap by tap as vectorised row updates. Parallel over planes (forward,
/// ∂X) or channels (∂W), so each value is summed in one fixed order.
/// </summary>
internal static unsafe class DepthwiseConvolution
{
    private enum Pass { Forward, BackwardInput, BackwardWeight }

    public static void Forward(in ConvOperands ops, int threads) => Run(Pass.Forward, ops, ops.G.Batch * ops.G.InChannels, threads);

    public static void BackwardInput(in ConvOperands ops, int threads) => Run(Pass.BackwardInput, ops, ops.G.Batch * ops.G.InChannels, threads);

    public static void BackwardWeight(in ConvOperands ops, int threads) => Run(Pass.BackwardWeight, ops, ops.G.InChannels, threads);

    private static void Run(Pass pass, in ConvOperands ops, int items, int threads)
    {
        var job = JobCache<DepthwiseJob>.Rent();
        job.Set(pass, ops);
        JobCache<DepthwiseJob>.RunAndReturn(job, items, threads);
    }

    private static void ForwardPlane(in ConvOperands ops, int plane)
    {
        var g = ops.G;
        int c = plane % g.InChannels, oh = g.OutHeight, ow = g.OutWidth;
        float* x = ops.Input + (long)plane * g.InHeight * g.InWidth;
        float* y = ops.Output + (long)plane * oh * ow;
        float* w = ops.Weight + (long)c * g.KernelHeight * g.KernelWidth;
        new Span<float>(y, oh * ow).Fill(ops.Bias != null ? ops.Bias[c] : 0f);
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++)
        {
            float tap = w[i * g.KernelWidth + j];
            int offset = j - g.PadLeft;
            Im2Col.ValidRange(offset, g.StrideWidth, g.InWidth, ow, out int x0, out int x1);
            if (x1 <= x0) continue;
            for (int r = 0; r < oh; r++)
            {
                int iy = r * g.StrideHeight - g.PadTop + i;
                if ((uint)iy >= (uint)g.InHeight) continue;
                float* src = x + (long)iy * g.InWidth + offset;
                float* dst = y + r * ow;
                if (g.StrideWidth == 1)
                    KernelMath.AddScaled(new Span<float>(dst + x0, x1 - x0), new ReadOnlySpan<float>(src + x0, x1 - x0), tap);
                else
                    for (int q = x0; q < x1; q++) dst[q] = MathF.FusedMultiplyAdd(tap, src[q * g.StrideWidth], dst[q]);
            }
        }
    }

    private static void BackwardInputPlane(in ConvOperands ops, int plane)
    {
        var g = ops.G;
        int c = plane % g.InChannels, oh = g.OutHeight, ow = g.OutWidth;
        float* dx = ops.Input + (long)plane * g.InHeight * g.InWidth;
        float* dy = ops.Output + (long)plane * oh * ow;
        float* w = ops.Weight + (long)c * g.KernelHeight * g.KernelWidth;
        new Span<float>(dx, g.InHeight * g.InWidth).Clear();
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++)
        {
            float tap = w[i * g.KernelWidth + j];
            int offset = j - g.PadLeft;
            Im2Col.ValidRange(offset, g.StrideWidth, g.InWidth, ow, out int x0, out int x1);
            if (x1 <= x0) continue;
            for (int r = 0; r < oh; r++)
            {
                int iy = r * g.StrideHeight - g.PadTop + i;
                if ((uint)iy >= (uint)g.InHeight) continue;
                float* dst = dx + (long)iy * g.InWidth + offset;
                float* src = dy + r * ow;
                if (g.StrideWidth == 1)
                    KernelMath.AddScaled(new Span<float>(dst + x0, x1 - x0), new ReadOnlySpan<float>(src + x0, x1 - x0), tap);
                else
                    for (int q = x0; q < x1; q++) dst[q * g.StrideWidth] = MathF.FusedMultiplyAdd(tap, src[q], dst[q * g.StrideWidth]);
            }
        }
    }

    private static void BackwardWeightChannel(in ConvOperands ops, int c)
    {
        var g = ops.G;
        int oh = g.OutHeight, ow = g.OutWidth, taps = g.KernelHeight * g.KernelWidth;
        float* dw = ops.Weight + (long)c * taps;
        for (int n = 0; n < g.Batch; n++)
        {
            long plane = (long)n * g.InChannels + c;
            float* x = ops.Input + plane * g.InHeight * g.InWidth;
            float* dy = ops.Output + plane * oh * ow;
            if (ops.Bias != null) ops.Bias[c] += KernelMath.Sum(new ReadOnlySpan<float>(dy, oh * ow));
            for (int i = 0; i < g.KernelHeight; i++)
            for (int j = 0; j < g.KernelWidth; j++)
            {
                int offset = j - g.PadLeft;
                Im2Col.ValidRange(offset, g.StrideWidth, g.InWidth, ow, out int x0, out int x1);
                if (x1 <= x0) continue;
                float sum = 0f;
                for (int r = 0; r < oh; r++)
                {
                    int iy = r * g.StrideHeight - g.PadTop + i;
                    if ((uint)iy >= (uint)g.InHeight) continue;
                    float* src = x + (long)iy * g.InWidth + offset;
                    float* grad = dy + r * ow;
                    if (g.StrideWidth == 1)
                        sum += KernelMath.Dot(new ReadOnlySpan<float>(grad + x0, x1 - x0), new ReadOnlySpan<float>(src + x0, x1 - x0));
                    else
                        for (int q = x0; q < x1; q++) sum = MathF.FusedMultiplyAdd(grad[q], src[q * g.StrideWidth], sum);
                }
                dw[i * g.KernelWidth + j] += sum;
            }
        }
    }

    private sealed class DepthwiseJob : ParallelJob
    {
        private Pass _pass;
        private ConvOperands _ops;

        public void Set(Pass pass, in ConvOperands ops)
        {
            _pass = pass;
            _ops = ops;
        }

        public override void Execute(int item)
        {
            switch (_pass)
            {
                case Pass.Forward: ForwardPlane(_ops, item); break;
                case Pass.BackwardInput: BackwardInputPlane(_ops, item); break;
                default: BackwardWeightChannel(_ops, item); break;
            }
        }
    }
}
