using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace GenderML.MLNet;

/// <summary>
/// The estimator of every GenderML transform (<see cref="GenderMLCatalog"/>): it checks the image column and fits to a
/// chain of ML.NET transformers that saves with <c>mlContext.Model.Save</c> and loads with <c>mlContext.Model.Load</c>:
/// the transform's state as a column (its settings, and PredictGender's model), the image column under the name the
/// mapping reads, GenderML's row-to-row mapping (lazy, one row at a time as a cursor asks), the outputs under their
/// names, and the inner columns dropped.
/// </summary>
public sealed class GenderMLEstimator : IEstimator<ITransformer>
{
    private readonly TransformsCatalog _catalog;
    private readonly string _transform;
    private readonly string _input;
    private readonly byte[] _state;
    private readonly Func<ImageInput, ITransformer> _mapping;
    private readonly IEstimator<ITransformer> _shape;
    private readonly (string Inner, string Name)[] _outputs;

    /// <param name="catalog">The user's transforms catalog.</param>
    /// <param name="transform">The transform's name, for messages.</param>
    /// <param name="inputColumnName">The image column.</param>
    /// <param name="state">The transform's <see cref="TransformState"/>.</param>
    /// <param name="mapping">The fitted mapping for a kind of image column.</param>
    /// <param name="shape">A mapping of no columns to the mapping's outputs: what adds them to a schema shape.</param>
    /// <param name="outputs">The mapping's output columns and the names they get.</param>
    internal GenderMLEstimator(TransformsCatalog catalog, string transform, string inputColumnName, byte[] state,
        Func<ImageInput, ITransformer> mapping, IEstimator<ITransformer> shape, params (string Inner, string Name)[] outputs)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        foreach (var o in outputs) ArgumentException.ThrowIfNullOrEmpty(o.Name, "outputColumnName");
        (_catalog, _transform, _input, _state, _mapping, _shape, _outputs) =
            (catalog, transform, inputColumnName, state, mapping, shape, outputs);
    }

    /// <summary>The columns of <paramref name="inputSchema"/> and this transform's outputs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or holds no image; the message names it
    /// and what it should hold.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ImageInputs.Of(inputSchema, _input, _transform);
        return Back(fitting: false).GetOutputSchema(_shape.GetOutputSchema(inputSchema));
    }

    /// <summary>
    /// The outputs copied to their names and the inner columns dropped (when <paramref name="fitting"/>, the state and the
    /// renamed image too; a schema shape never had them).
    /// </summary>
    private IEstimator<ITransformer> Back(bool fitting)
    {
        var renamed = _outputs.Where(o => o.Inner != o.Name).ToArray();
        string[] state = fitting ? [ImageInputs.KeyColumn, ImageInputs.StateColumn, ImageInputs.ImageColumn] : [];
        if (state.Length + renamed.Length == 0) return new EstimatorChain<ITransformer>();
        IEstimator<ITransformer> back = _catalog.DropColumns([.. state, .. renamed.Select(o => o.Inner)]);
        foreach (var o in renamed.Reverse()) back = _catalog.CopyColumns(o.Name, o.Inner).Append(back);
        return back;
    }

    /// <summary>The transform as a saveable chain of ML.NET transformers (nothing is learned from <paramref name="input"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or holds no image.</exception>
    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var kind = ImageInputs.Of(input.Schema, _input, _transform);
        var front = _catalog.CustomMapping(new StateKeyFactory().GetMapping(), StateKeyFactory.Contract)
            .Append(_catalog.Conversion.MapValue(ImageInputs.StateColumn, [new KeyValuePair<string, byte[]>(StateKey.Value, _state)],
                ImageInputs.KeyColumn))
            .Append(_catalog.CopyColumns(ImageInputs.ImageColumn, _input))
            .Fit(input);
        var mapping = _mapping(kind);
        var mapped = mapping.Transform(front.Transform(input));
        return new TransformerChain<ITransformer>(front, mapping, Back(fitting: true).Fit(mapped));
    }

    /// <summary>
    /// The fitted <c>CustomMapping</c> of <paramref name="factory"/>, fitted on an empty view of its row type (ML.NET's own
    /// check compares image types by reference and would refuse every MLImage column).
    /// </summary>
    internal static ITransformer Mapping<TRow, TOut>(TransformsCatalog catalog, CustomMappingFactory<TRow, TOut> factory, string contract)
        where TRow : ImageRow, new()
        where TOut : class, new()
    {
        ImageInputs.RegisterImageType();
        var empty = new MLContext(seed: 0).Data.LoadFromEnumerable(Array.Empty<TRow>());
        return catalog.CustomMapping(factory.GetMapping(), contract).Fit(empty);
    }
}
