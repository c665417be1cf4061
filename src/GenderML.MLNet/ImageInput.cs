using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace GenderML.MLNet;

/// <summary>The three ways an ML.NET column can hold an image: MLImage, encoded bytes or a file path.</summary>
internal enum ImageInput
{
    /// <summary>An <see cref="MLImage"/> column (<c>LoadImages</c>).</summary>
    MLImage,

    /// <summary>A vector of bytes holding an encoded JPEG or PNG (<c>LoadRawImageBytes</c>).</summary>
    Bytes,

    /// <summary>A text column holding the path of an image file.</summary>
    Path,
}

/// <summary>Recognises an image column and explains, naming the column, what was expected when it is something else.</summary>
internal static class ImageInputs
{
    /// <summary>The column names every GenderML transform uses inside its own chain (dropped at its end).</summary>
    public const string ImageColumn = "GenderML.Image", StateColumn = "GenderML.State", KeyColumn = "GenderML.Key";

    private const string Expected =
        "an image: an MLImage (LoadImages), a vector of bytes of a JPEG or PNG file (LoadRawImageBytes) or a text path";

    /// <summary>Registers <see cref="MLImage"/> as ML.NET's image type for row classes (ML.NET does not).</summary>
    public static void RegisterImageType()
    {
        lock (Registration)
        {
            if (_registered) return;
            try { DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage)); }
            catch (InvalidOperationException) { } // registered already, by the application or an earlier version of this
            catch (ArgumentException) { }
            _registered = true;
        }
    }

    private static readonly Lock Registration = new();
    private static bool _registered;

    public static ImageInput Of(DataViewSchema schema, string column, string transform)
    {
        var c = schema.GetColumnOrNull(column)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"{transform}: input column '{column}' not found; it should hold {Expected}");
        return Of(c.Type is ImageDataViewType, c.Type is TextDataViewType,
            c.Type is VectorDataViewType v && v.ItemType == NumberDataViewType.Byte, column, c.Type.ToString() ?? "?", transform);
    }

    public static ImageInput Of(SchemaShape shape, string column, string transform)
    {
        var found = shape.Where(c => c.Name == column).ToArray();
        if (found.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(shape), $"{transform}: input column '{column}' not found; it should hold {Expected}");
        var c = found[^1];
        bool vector = c.Kind != SchemaShape.Column.VectorKind.Scalar;
        return Of(!vector && c.ItemType is ImageDataViewType, !vector && c.ItemType is TextDataViewType,
            vector && c.ItemType == NumberDataViewType.Byte, column, vector ? $"Vector<{c.ItemType}>" : $"{c.ItemType}", transform);
    }

    private static ImageInput Of(bool image, bool text, bool bytes, string column, string type, string transform) =>
        image ? ImageInput.MLImage : text ? ImageInput.Path : bytes ? ImageInput.Bytes
        : throw new ArgumentOutOfRangeException("inputSchema", $"{transform}: input column '{column}' is {type}; it should hold {Expected}");
}
