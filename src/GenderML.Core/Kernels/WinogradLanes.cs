using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenderML.Core.Kernels;

/// <summary>
/// The few vector operations the Winograd transforms need, over lanes of <typeparamref name="TV"/> (one per tile),
/// so that one generic transform serves AVX-512 (16 lanes), AVX2 (8) and plain scalar code (1). Loads and stores
/// are unaligned.
/// </summary>
internal unsafe interface IWinogradLanes<TV> where TV : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Width { get; }

    static abstract TV Load(float* p);

    static abstract void Store(TV v, float* p);

    static abstract TV Add(TV a, TV b);

    static abstract TV Sub(TV a, TV b);

    /// <summary><c>a·s</c> for a constant <paramref name="s"/>.</summary>
    static abstract TV Scale(TV a, float s);

    /// <summary>From the 2·Width floats at <paramref name="p"/>: <c>even[i] = p[2i]</c>, <c>odd[i] = p[2i + 1]</c>.
    /// </summary>
    static abstract void LoadDeinterleaved(float* p, out TV even, out TV odd);

    /// <summary>Writes 2·Width floats: <c>p[2i] = even[i]</c>, <c>p[2i + 1] = odd[i]</c>.</summary>
    static abstract void StoreInterleaved(TV even, TV odd, float* p);
}

/// <summary>16 lanes, AVX-512.</summary>
internal readonly unsafe struct WinogradLanes512 : IWinogradLanes<Vector512<float>>
{

    public static int Width => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> v, float* p) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Scale(Vector512<float> a, float s) => a * s;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved(float* p, out Vector512<float> even, out Vector512<float> odd)
    {
        Vector512<float> lo = Vector512.Load(p), hi = Vector512.Load(p + 16);
        even = Avx512F.PermuteVar16x32x2(lo, PermuteIndices.Evens, hi);
        odd = Avx512F.PermuteVar16x32x2(lo, PermuteIndices.Odds, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vector512<float> even, Vector512<float> odd, float* p)
    {
        Avx512F.PermuteVar16x32x2(even, PermuteIndices.InterleaveLow, odd).Store(p);
        Avx512F.PermuteVar16x32x2(even, PermuteIndices.InterleaveHigh, odd).Store(p + 16);
    }
}

/// <summary>8 lanes, AVX2.</summary>
internal readonly unsafe struct WinogradLanes256 : IWinogradLanes<Vector256<float>>
{
    public static int Width => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, float* p) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Scale(Vector256<float> a, float s) => a * s;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved(float* p, out Vector256<float> even, out Vector256<float> odd)
    {
        Vector256<float> a = Vector256.Load(p), b = Vector256.Load(p + 8);
        // a0 a2 b0 b2 | a4 a6 b4 b6, then the 64-bit pairs reordered to a0 a2 a4 a6 | b0 b2 b4 b6.
        var e = Avx.Shuffle(a, b, 0b10_00_10_00);
        var o = Avx.Shuffle(a, b, 0b11_01_11_01);
        even = Avx2.Permute4x64(e.AsDouble(), 0b11_01_10_00).AsSingle();
        odd = Avx2.Permute4x64(o.AsDouble(), 0b11_01_10_00).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vector256<float> even, Vector256<float> odd, float* p)
    {
        var lo = Avx.UnpackLow(even, odd);   // e0 o0 e1 o1 | e4 o4 e5 o5
        var hi = Avx.UnpackHigh(even, odd);  // e2 o2 e3 o3 | e6 o6 e7 o7
        Avx.Permute2x128(lo, hi, 0x20).Store(p);
        Avx.Permute2x128(lo, hi, 0x31).Store(p + 8);
    }
}

/// <summary>One lane: plain scalar code, for machines without AVX2.</summary>
internal readonly unsafe struct WinogradLanes1 : IWinogradLanes<float>
{
    public static int Width => 1;

    public static float Load(float* p) => *p;

    public static void Store(float v, float* p) => *p = v;

    public static float Add(float a, float b) => a + b;

    public static float Sub(float a, float b) => a - b;

    public static float Scale(float a, float s) => a * s;

    public static void LoadDeinterleaved(float* p, out float even, out float odd)
    {
        even = p[0];
        odd = p[1];
    }

    public static void StoreInterleaved(float even, float odd, float* p)
    {
        p[0] = even;
        p[1] = odd;
    }
}
