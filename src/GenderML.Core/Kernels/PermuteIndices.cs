using System.Runtime.Intrinsics;

namespace GenderML.Core.Kernels;

/// <summary>
/// Index vectors for AVX-512 two-source permutes (<c>PermuteVar16x32x2</c>), as properties the JIT folds into
/// constants where they are used (a <c>static readonly</c> vector field is read through a static-base helper call
/// instead).
/// </summary>
internal static class PermuteIndices
{
    /// <summary>Elements 0, 2, …, 30 of the pair (a, b): the even ones.</summary>
    public static Vector512<int> Evens => Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);

    /// <summary>Elements 1, 3, …, 31 of the pair (a, b): the odd ones.</summary>
    public static Vector512<int> Odds => Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);

    /// <summary>a₀ b₀ a₁ b₁ … a₇ b₇: the low halves of a and b interleaved.</summary>
    public static Vector512<int> InterleaveLow => Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);

    /// <summary>a₈ b₈ … a₁₅ b₁₅: the high halves of a and b interleaved.</summary>
    public static Vector512<int> InterleaveHigh => Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}
