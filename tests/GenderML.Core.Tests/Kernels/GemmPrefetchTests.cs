using System.Runtime.Intrinsics.X86;
using GenderML.Core.Kernels;

namespace GenderML.Core.Tests.Kernels;

/// <summary>The AVX-512 8×32 register block gives the same bits whatever it prefetches of B, storing and adding, over K
/// steps that do and do not fill the prefetch distance.</summary>
public sealed class GemmPrefetchTests
{
    [Fact]
    public unsafe void BitIdenticalToTheUsualKernel()
    {
        if (!Avx512F.IsSupported) return;
        foreach (int kc in new[] { 1, 7, 256 })
        foreach (bool add in new[] { false, true })
        {
            var a = KernelAssert.Random(8 * kc, kc);
            var b = KernelAssert.Random(32 * kc, kc + 1);
            var start = KernelAssert.Random(8 * 40, 3);
            var expected = (float[])start.Clone();
            var actual = (float[])start.Clone();
            fixed (float* pa = a, pb = b, pe = expected, pc = actual)
            {
                GemmMicroKernels.Avx512Kernel8x32(kc, pa, pb, pe, 40, add);
                GemmMicroKernels.Avx512Kernel8x32<PrefetchStream>(kc, pa, pb, 32, pc, 40, add);
                KernelAssert.BitIdentical(expected, actual, $"stream kc={kc} add={add}");
                start.CopyTo(actual, 0);
                GemmMicroKernels.Avx512Kernel8x32<PrefetchRows>(kc, pa, pb, 32, pc, 40, add);
            }
            KernelAssert.BitIdentical(expected, actual, $"kc={kc} add={add}");
        }
    }
}
