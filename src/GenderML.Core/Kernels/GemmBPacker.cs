namespace GenderML.Core.Kernels;

/// <summary>
/// Supplies op(B) of a GEMM sliver by sliver, for an operand that is never stored as a matrix (an implicit im2col
/// view of an image batch). Packing must only read shared state: several threads pack slivers of one call at once.
/// </summary>
internal abstract unsafe class GemmBPacker
{
    /// <summary>
    /// Writes rows [p0, p0+kc) and columns [j0, j0+cols) of op(B), cols ≤ <paramref name="nr"/>, to <paramref name="dst"/>
    /// in <see cref="GemmPacking.PackBSliver"/>'s layout: for each row p, nr values, zero from column cols on.
    /// </summary>
    public abstract void PackSliver(int p0, int kc, int j0, int cols, int nr, float* dst);
}
