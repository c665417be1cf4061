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

    /// <summary>Writes 4·Width floats: <c>p[4i + k] = yk[i]</c>.</summary>
    static abstract void StoreInterleaved4(TV y0, TV y1, TV y2, TV y3, float* p);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved4(Vector512<float> y0, Vector512<float> y1, Vector512<float> y2,
        Vector512<float> y3, float* p)
    {
        // a = y0 and y2 interleaved, b = y1 and y3; then a and b interleaved.
        var lo = PermuteIndices.InterleaveLow;
        var hi = PermuteIndices.InterleaveHigh;
        Vector512<float> a0 = Avx512F.PermuteVar16x32x2(y0, lo, y2), a1 = Avx512F.PermuteVar16x32x2(y0, hi, y2);
        Vector512<float> b0 = Avx512F.PermuteVar16x32x2(y1, lo, y3), b1 = Avx512F.PermuteVar16x32x2(y1, hi, y3);
        Avx512F.PermuteVar16x32x2(a0, lo, b0).Store(p);
        Avx512F.PermuteVar16x32x2(a0, hi, b0).Store(p + 16);
        Avx512F.PermuteVar16x32x2(a1, lo, b1).Store(p + 32);
        Avx512F.PermuteVar16x32x2(a1, hi, b1).Store(p + 48);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved4(Vector256<float> y0, Vector256<float> y1, Vector256<float> y2,
        Vector256<float> y3, float* p)
    {
        // A 4×8 transpose: e, f, g, h hold tiles (0, 4), (1, 5), (2, 6), (3, 7), one per 128-bit half.
        Vector256<float> a = Avx.UnpackLow(y0, y1), b = Avx.UnpackLow(y2, y3);
        Vector256<float> c = Avx.UnpackHigh(y0, y1), d = Avx.UnpackHigh(y2, y3);
        Vector256<float> e = Avx.Shuffle(a, b, 0b01_00_01_00), f = Avx.Shuffle(a, b, 0b11_10_11_10);
        Vector256<float> g = Avx.Shuffle(c, d, 0b01_00_01_00), h = Avx.Shuffle(c, d, 0b11_10_11_10);
        Avx.Permute2x128(e, f, 0x20).Store(p);
        Avx.Permute2x128(g, h, 0x20).Store(p + 8);
        Avx.Permute2x128(e, f, 0x31).Store(p + 16);
        Avx.Permute2x128(g, h, 0x31).Store(p + 24);
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

    public static void StoreInterleaved4(float y0, float y1, float y2, float y3, float* p)
    {
        p[0] = y0;
        p[1] = y1;
        p[2] = y2;
        p[3] = y3;
    }
}
