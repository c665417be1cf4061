using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>What <see cref="GemmMicroKernels.Avx512Kernel8x32{TPrefetch}"/> prefetches of B before each K step (a struct
/// type argument, so each choice compiles to its own loop with nothing left to decide at run time).</summary>
internal interface IBPrefetch
{
    /// <summary>Prefetches ahead of B's row at <paramref name="b"/>, whose rows are <paramref name="ldb"/> floats apart.</summary>
    static abstract unsafe void Ahead(float* b, nint ldb);
}

/// <summary>Nothing: B is a packed panel the GEMM keeps in cache.</summary>
internal readonly struct NoPrefetch : IBPrefetch
{
    public static unsafe void Ahead(float* b, nint ldb) { }
}

/// <summary>16 KB ahead: B is weights packed once and read once per call, in one stream (a single image's few-pixel
/// layers: 2.4 MB per 256-channel 3×3 layer, more than L2 holds), so the next sliver arrives while this one is multiplied.</summary>
internal readonly struct PrefetchStream : IBPrefetch
{
    private const int Distance = 4096;

    public static unsafe void Ahead(float* b, nint ldb)
    {
        Sse.Prefetch0(b + Distance);
        Sse.Prefetch0(b + Distance + 16);
    }
}

/// <summary>16 rows ahead: B's rows are apart in memory (Winograd's transformed weights, read once per call).</summary>
internal readonly struct PrefetchRows : IBPrefetch
{
    public static unsafe void Ahead(float* b, nint ldb)
    {
        nint ahead = 16 * ldb;
        Sse.Prefetch0(b + ahead);
        Sse.Prefetch0(b + ahead + 16);
    }
}
