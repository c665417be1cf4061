namespace GenderML.Core.Layers;

/// <summary>Reuses a layer's output and gradient tensors while the shape stays the same (no allocation per step).</summary>
internal static class TensorBuffers
{
    public static Tensor Ensure(ref Tensor? t, int d0)
    {
        if (t is null || t.Rank != 1 || t.Dim(0) != d0) t = new Tensor(d0);
        return t;
    }

    public static Tensor Ensure(ref Tensor? t, int d0, int d1)
    {
        if (t is null || t.Rank != 2 || t.Dim(0) != d0 || t.Dim(1) != d1) t = new Tensor(d0, d1);
        return t;
    }

    public static Tensor Ensure(ref Tensor? t, int d0, int d1, int d2)
    {
        if (t is null || t.Rank != 3 || t.Dim(0) != d0 || t.Dim(1) != d1 || t.Dim(2) != d2) t = new Tensor(d0, d1, d2);
        return t;
    }

    public static Tensor Ensure(ref Tensor? t, int d0, int d1, int d2, int d3)
    {
        if (t is null || t.Rank != 4 || t.Dim(0) != d0 || t.Dim(1) != d1 || t.Dim(2) != d2 || t.Dim(3) != d3) t = new Tensor(d0, d1, d2, d3);
        return t;
    }

    /// <summary>A tensor of the same shape as <paramref name="like"/>.</summary>
    public static Tensor EnsureLike(ref Tensor? t, Tensor like)
    {
        if (t is not null && t.Shape.SequenceEqual(like.Shape)) return t;
        t = new Tensor(like.ShapeArray());
        return t;
    }

    /// <summary>A float array of at least <paramref name="length"/> values.</summary>
    public static float[] EnsureArray(ref float[]? a, int length)
    {
        if (a is null || a.Length < length) a = new float[length];
        return a;
    }

    /// <summary>Throws unless <paramref name="input"/> has <paramref name="rank"/> axes; <paramref name="expected"/> may hold <c>{0}</c> for <paramref name="size"/> (formatted only on failure).</summary>
    public static void RequireRank(Tensor input, int rank, string layer, string expected, int size = 0)
    {
        if (input.Rank != rank)
            throw new ArgumentException($"{layer}: expects a {string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, size)} tensor, got {input}", nameof(input));
    }
}
