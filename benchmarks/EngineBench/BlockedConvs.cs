using System.Diagnostics;
using System.Globalization;
using GenderML.Core;
using GenderML.Core.Kernels;
using GenderML.Core.Layers;

/// <summary>
/// The face ResNet's 3×3 convolutions one at a time, one image, 1 thread, in steady state: the frozen
/// <see cref="Conv2d"/> as the plain layers run it (+ ReLU) against <see cref="BlockedConvolution"/> between maps
/// inside a border of zeros (+ ReLU), alternated sample by sample. Median of the samples, thread CPU µs, and GFLOP/s.
/// </summary>
internal static unsafe class BlockedConvs
{
    public static void Run(int runs, int samples)
    {
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine("| conv | layers µs | blocked µs | blocked GFLOP/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (c, oc, h, stride) in new[] { (32, 32, 35, 1), (32, 64, 35, 2), (64, 64, 17, 1), (64, 128, 17, 2),
            (128, 128, 8, 1), (128, 256, 8, 2), (256, 256, 3, 1), (256, 256, 4, 1), (256, 256, 4, 2), (256, 256, 2, 1) })
        {
            var random = new Random(1);
            var conv = new Conv2d(c, oc, 3, random, stride, stride == 1 ? ConvPadding.Same : ConvPadding.Valid);
            conv.SetTraining(false);
            foreach (var p in conv.Parameters()) p.Trainable = false;
            conv.InputGradientNeeded = false;
            conv.SetCompute(new ComputeOptions { Threads = 1 });
            var x = new Tensor(1, c, h, h);
            for (int i = 0; i < x.Length; i++) x.Data[i] = (float)random.NextDouble() - 0.5f;
            int oh = stride == 1 ? h : (h - 3) / 2 + 1;
            // Maps inside a border of one pixel.
            long inRow = (h + 2) * 16, inBlock = (h + 2) * inRow, outRow = (oh + 2) * 16, outBlock = (oh + 2) * outRow;
            float* px = Aligned(c / 16 * inBlock), py = Aligned(oc / 16 * outBlock);
            float* pa = Aligned(BlockedConvolution.PackedLength(c, oc, 3)), pb = Aligned(oc);
            BlockedConvolution.PackWeights(conv.Weight.Value.Data, c, oc, 3,
                new Span<float>(pa, BlockedConvolution.PackedLength(c, oc, 3)));
            var layerUs = new List<double>();
            var blockedUs = new List<double>();
            {
                float* xi = px + inRow + 16, yi = py + outRow + 16;
                var window = stride == 1 ? new BlockedView(px, inBlock, inRow) : new BlockedView(xi, inBlock, inRow);
                var output = new BlockedView(yi, outBlock, outRow);
                int pixels = oh * oh;
                float* wa = pa, wb = pb;
                Action blocked = () => BlockedConvolution.Run(c, oc, 3, stride, window, wa, wb, BlockedView.None, 0, true,
                    output, oh, oh, 0, BlockedConvolution.Groups(oc), 0, pixels);
                Action layer = () => conv.ForwardFused(x, null, relu: true);
                Warm(blocked);
                Warm(layer);
                for (int s = 0; s < samples; s++)
                {
                    layerUs.Add(Time(layer, runs));
                    blockedUs.Add(Time(blocked, runs));
                }
            }
            layerUs.Sort();
            blockedUs.Sort();
            double flops = 2.0 * c * oc * 9 * oh * oh, b = blockedUs[samples / 2];
            Console.WriteLine(string.Create(ci,
                $"| {c}→{oc} {h}×{h} /{stride} | {layerUs[samples / 2]:F1} | {b:F1} | {flops / b / 1e3:F0} |"));
        }
    }

    /// <summary>Zeroed floats at a 64-byte boundary (never freed: a benchmark).</summary>
    private static float* Aligned(long floats)
    {
        var p = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(floats * 4), 64);
        new Span<float>(p, (int)floats).Clear();
        return p;
    }

    private static void Warm(Action action)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 400) action();
    }

    private static double Time(Action action, int runs)
    {
        double t0 = CpuClock.ThreadSeconds();
        for (int i = 0; i < runs; i++) action();
        return (CpuClock.ThreadSeconds() - t0) / runs * 1e6;
    }
}
