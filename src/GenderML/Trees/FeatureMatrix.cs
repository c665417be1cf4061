namespace GenderML.Trees;

/// <summary>
/// A row-major table of <see cref="Rows"/> × <see cref="Columns"/> feature values: element (i, j) is
/// <c>values[i * Columns + j]</c>. Holds either floats or bytes (pixels); the array is wrapped, not copied,
/// so do not change it while the matrix is in use.
/// </summary>
/// <remarks>
/// Missing values are not supported: <see cref="FromFloats"/> rejects NaN and ±∞, naming the row and column.
/// Impute or drop them first.
/// </remarks>
internal sealed class FeatureMatrix
{
    private FeatureMatrix(int rows, int columns, float[]? floats, byte[]? bytes)
    {
        Rows = rows;
        Columns = columns;
        Floats = floats;
        Bytes = bytes;
    }

    /// <summary>Number of rows (examples).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Columns { get; }

    internal float[]? Floats { get; }

    internal byte[]? Bytes { get; }

    /// <summary>Wraps finite float features, <c>values.Length / columns</c> rows of <paramref name="columns"/>.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="columns"/>, or a value is NaN or infinite.</exception>
    public static FeatureMatrix FromFloats(float[] values, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = RowCount(values.Length, columns, nameof(values));
        int bad = FirstNonFinite(values);
        if (bad >= 0)
            throw new ArgumentException(
                $"features: row {bad / columns}, column {bad % columns} is {values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)}; " +
                "gradient-boosted trees need finite values — impute or drop missing values first.", nameof(values));
        return new FeatureMatrix(rows, columns, values, null);
    }

    /// <summary>Wraps byte features (e.g. gray pixels), <c>values.Length / columns</c> rows of <paramref name="columns"/>.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="columns"/>.</exception>
    public static FeatureMatrix FromBytes(byte[] values, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new FeatureMatrix(RowCount(values.Length, columns, nameof(values)), columns, null, values);
    }

    private static int RowCount(int length, int columns, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (length % columns != 0)
            throw new ArgumentException($"features: {length} values are not a whole number of rows of {columns} columns.", name);
        return length / columns;
    }

    internal static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
