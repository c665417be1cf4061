using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>The instruction set a GEMM runs on, and the block sizes that go with it.</summary>
internal enum GemmIsa
{
    /// <summary>Portable scalar loops.</summary>
    Scalar,

    /// <summary>256-bit vectors with FMA (AVX2 machines).</summary>
    Avx2,

    /// <summary>512-bit vectors with FMA (AVX-512F machines).</summary>
    Avx512,
}

/// <summary>Register block (MR×NR) and cache blocks (MC, KC, NC) of one <see cref="GemmIsa"/>.</summary>
internal readonly record struct GemmBlocking(GemmIsa Isa, int MR, int NR, int MC, int KC, int NC)
{
    /// <summary>The fastest instruction set this machine runs.</summary>
    public static GemmIsa BestIsa { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmIsa.Avx512
        : Fma.IsSupported && Avx2.IsSupported ? GemmIsa.Avx2
        : GemmIsa.Scalar;

    /// <summary>Replaces the AVX-512 blocking, for tuning runs of the kernel benchmark only.</summary>
    internal static GemmBlocking? Tuning { get; set; }

    /// <summary>Whether <paramref name="isa"/> runs on this machine.</summary>
    public static bool IsSupported(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512F.IsSupported,
        GemmIsa.Avx2 => Fma.IsSupported && Avx2.IsSupported,
        _ => true,
    };

    /// <summary>Block sizes for <paramref name="isa"/>, chosen by measurement on Zen 5 (48 KB L1d, 1 MB L2 per core).</summary>
    public static GemmBlocking For(GemmIsa isa) => isa == GemmIsa.Avx512 && Tuning is { } t ? t : isa switch
    {
        GemmIsa.Avx512 => new(isa, MR: 8, NR: 32, MC: 384, KC: 256, NC: 2048),
        GemmIsa.Avx2 => new(isa, MR: 6, NR: 16, MC: 192, KC: 256, NC: 2048),
        _ => new(isa, MR: 4, NR: 8, MC: 128, KC: 256, NC: 1024),
    };
}
