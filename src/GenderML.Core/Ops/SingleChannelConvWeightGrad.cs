using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GenderML.Core.Kernels;

namespace GenderML.Core.Ops;

/// <summary>
/// ∂L/∂weight (and ∂L/∂bias) of a convolution whose input has one channel, stride 1 and no padding — a network's first
/// layer on grey images — computed directly: <c>∂W[o,i,j] += Σ_n Σ_{y,x} ∂Y[n,o,y,x] · X[n, y + i, x + j]</c>,
/// <c>∂b[o] += Σ_n Σ_{y,x} ∂Y[n,o,y,x]</c>. im2col would copy the input K² times for a matrix product with only K² rows.
/// Output channels are split over the worker pool; each channel sums in a fixed order, whatever the thread count.
/// </summary>
internal sealed class SingleChannelConvWeightGrad
{
    private readonly PartitionedLoop _loop = new();
    private readonly Action<int, int> _part;
    private ConvGeometry _g;
    private float[] _input = [], _gradOutput = [], _gradWeight = [], _gradBias = [];

    public SingleChannelConvWeightGrad() => _part = Channels;

    /// <summary>True when <paramref name="g"/> is a geometry this kernel handles.</summary>
    public static bool Handles(in ConvGeometry g)
        => g.InChannels == 1 && g.Groups == 1 && g.StrideHeight == 1 && g.StrideWidth == 1
           && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;

    /// <summary>Adds into <paramref name="gradWeight"/> and (unless empty) <paramref name="gradBias"/>.</summary>
    public void Run(in ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias, int threads)
    {
        _g = g; _input = input; _gradOutput = gradOutput; _gradWeight = gradWeight; _gradBias = gradBias;
        _loop.Run(_part, g.OutChannels, threads);
        _input = _gradOutput = _gradWeight = _gradBias = [];
    }

    private void Channels(int start, int end)
    {
        var g = _g;
        int oh = g.OutHeight, ow = g.OutWidth, kh = g.KernelHeight, kw = g.KernelWidth, w = g.InWidth;
        int plane = g.InHeight * w, outPlane = oh * ow;
        for (int o = start; o < end; o++)
        {
            double bias = 0;
            for (int n = 0; n < g.Batch; n++)
            {
                ref float dy = ref _gradOutput[(n * g.OutChannels + o) * outPlane];
                ref float x = ref _input[n * plane];
                for (int i = 0; i < kh; i++)
                {
                    int j = 0;
                    for (; j + 3 <= kw; j += 3)
                    {
                        var (s0, s1, s2) = Correlate3(ref dy, ref Unsafe.Add(ref x, i * w + j), oh, ow, w);
                        int at = (o * kh + i) * kw + j;
                        _gradWeight[at] += s0; _gradWeight[at + 1] += s1; _gradWeight[at + 2] += s2;
                    }
                    for (; j < kw; j++)
                        _gradWeight[(o * kh + i) * kw + j] += Correlate(ref dy, ref Unsafe.Add(ref x, i * w + j), oh, ow, w);
                }
                if (_gradBias.Length > 0) bias += System.Numerics.Tensors.TensorPrimitives.Sum(MemoryMarshal.CreateReadOnlySpan(ref dy, outPlane));
            }
            if (_gradBias.Length > 0) _gradBias[o] += (float)bias;
        }
    }

    /// <summary><see cref="Correlate"/> at column offsets 0, 1 and 2 at once (three independent FMA chains, one load of ∂Y).</summary>
    private static (float, float, float) Correlate3(ref float dy, ref float x, int oh, int ow, int w)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default;
        float t0 = 0f, t1 = 0f, t2 = 0f;
        int vectorEnd = Vector512.IsHardwareAccelerated ? ow & ~15 : 0;
        for (int y = 0; y < oh; y++)
        {
            ref float dyRow = ref Unsafe.Add(ref dy, y * ow);
            ref float xRow = ref Unsafe.Add(ref x, y * w);
            int c = 0;
            for (; c < vectorEnd; c += 16)
            {
                var d = Vector512.LoadUnsafe(ref dyRow, (nuint)c);
                a0 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref xRow, (nuint)c), a0);
                a1 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref xRow, (nuint)(c + 1)), a1);
                a2 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref xRow, (nuint)(c + 2)), a2);
            }
            for (; c < ow; c++)
            {
                float d = Unsafe.Add(ref dyRow, c);
                t0 += d * Unsafe.Add(ref xRow, c);
                t1 += d * Unsafe.Add(ref xRow, c + 1);
                t2 += d * Unsafe.Add(ref xRow, c + 2);
            }
        }
        return (Vector512.Sum(a0) + t0, Vector512.Sum(a1) + t1, Vector512.Sum(a2) + t2);
    }

    /// <summary><c>Σ_{y,x} dy[y·ow + x] · x[y·w + x]</c>.</summary>
    private static float Correlate(ref float dy, ref float x, int oh, int ow, int w)
    {
        var acc = Vector512<float>.Zero;
        float tail = 0f;
        int vectorEnd = Vector512.IsHardwareAccelerated ? ow & ~15 : 0;
        for (int y = 0; y < oh; y++)
        {
            ref float dyRow = ref Unsafe.Add(ref dy, y * ow);
            ref float xRow = ref Unsafe.Add(ref x, y * w);
            int c = 0;
            for (; c < vectorEnd; c += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref dyRow, (nuint)c), Vector512.LoadUnsafe(ref xRow, (nuint)c), acc);
            for (; c < ow; c++) tail += Unsafe.Add(ref dyRow, c) * Unsafe.Add(ref xRow, c);
        }
        return Vector512.Sum(acc) + tail;
    }
}
