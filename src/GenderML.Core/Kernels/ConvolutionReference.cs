namespace GenderML.Core.Kernels;

/// <summary>Direct loops for convolution, the reference the fast kernels are tested against.</summary>
internal static class ConvolutionReference
{
    public static void Forward(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        int oh = g.OutHeight, ow = g.OutWidth, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
        for (int o = 0; o < g.OutChannels; o++)
        {
            int group = o / opg;
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                float sum = bias.IsEmpty ? 0f : bias[o];
                for (int c = 0; c < cpg; c++)
                for (int i = 0; i < g.KernelHeight; i++)
                {
                    int iy = y * g.StrideHeight - g.PadTop + i;
                    if ((uint)iy >= (uint)g.InHeight) continue;
                    for (int j = 0; j < g.KernelWidth; j++)
                    {
                        int ix = x * g.StrideWidth - g.PadLeft + j;
                        if ((uint)ix >= (uint)g.InWidth) continue;
                        int ci = group * cpg + c;
                        sum += input[((n * g.InChannels + ci) * g.InHeight + iy) * g.InWidth + ix]
                             * weight[((o * cpg + c) * g.KernelHeight + i) * g.KernelWidth + j];
                    }
                }
                output[((n * g.OutChannels + o) * oh + y) * ow + x] = sum;
            }
        }
    }

    public static void BackwardInput(in ConvGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        gradInput[..g.InputLength].Clear();
        int oh = g.OutHeight, ow = g.OutWidth, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
        for (int o = 0; o < g.OutChannels; o++)
        {
            int group = o / opg;
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                float go = gradOutput[((n * g.OutChannels + o) * oh + y) * ow + x];
                for (int c = 0; c < cpg; c++)
                for (int i = 0; i < g.KernelHeight; i++)
                {
                    int iy = y * g.StrideHeight - g.PadTop + i;
                    if ((uint)iy >= (uint)g.InHeight) continue;
                    for (int j = 0; j < g.KernelWidth; j++)
                    {
                        int ix = x * g.StrideWidth - g.PadLeft + j;
                        if ((uint)ix >= (uint)g.InWidth) continue;
                        int ci = group * cpg + c;
                        gradInput[((n * g.InChannels + ci) * g.InHeight + iy) * g.InWidth + ix]
                            += go * weight[((o * cpg + c) * g.KernelHeight + i) * g.KernelWidth + j];
                    }
                }
            }
        }
    }

    public static void BackwardWeight(in ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias)
    {
        int oh = g.OutHeight, ow = g.OutWidth, cpg = g.InChannelsPerGroup, opg = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
        for (int o = 0; o < g.OutChannels; o++)
        {
            int group = o / opg;
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                float go = gradOutput[((n * g.OutChannels + o) * oh + y) * ow + x];
                if (!gradBias.IsEmpty) gradBias[o] += go;
                for (int c = 0; c < cpg; c++)
                for (int i = 0; i < g.KernelHeight; i++)
                {
                    int iy = y * g.StrideHeight - g.PadTop + i;
                    if ((uint)iy >= (uint)g.InHeight) continue;
                    for (int j = 0; j < g.KernelWidth; j++)
                    {
                        int ix = x * g.StrideWidth - g.PadLeft + j;
                        if ((uint)ix >= (uint)g.InWidth) continue;
                        int ci = group * cpg + c;
                        gradWeight[((o * cpg + c) * g.KernelHeight + i) * g.KernelWidth + j]
                            += go * input[((n * g.InChannels + ci) * g.InHeight + iy) * g.InWidth + ix];
                    }
                }
            }
        }
    }
}
