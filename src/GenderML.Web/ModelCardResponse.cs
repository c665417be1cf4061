using System.Text.Json;
using GenderML.Evaluation;

namespace GenderML.Web;

/// <summary>
/// What <c>GET /api/models/{name}</c> says of a served model: its name, version, preprocessing and the library's
/// <see cref="GenderML.ModelCard"/> (intended use, limits, training data, validation and per-group metrics), with the
/// dashboard's evaluation on the served data appended once it has run.
/// </summary>
internal sealed record ModelCardResponse(string Name, string Version, string Kind, PreprocessingCard Preprocessing, double? TestAccuracy,
    JsonElement Card)
{
    public static ModelCardResponse Of(ServedModel model, EvaluationReport? test, string? testSource)
    {
        var info = model.Info;
        var p = info.Preprocessing;
        var card = ModelCard.For(model.Classifier);
        if (test is not null && testSource is not null) card = card.WithEvaluation(ModelCardEvaluation.From(test, testSource));
        return new ModelCardResponse(model.Name, model.Version, info.Kind,
            new PreprocessingCard(p.Size, p.Format.ToString(), p.Mode.ToString(), p.Framing?.Key), test?.Accuracy,
            JsonDocument.Parse(card.ToJson()).RootElement.Clone());
    }
}

/// <summary>How an image becomes the model's input: side, pixel format, resize mode, framing.</summary>
internal sealed record PreprocessingCard(int Size, string Format, string Mode, string? Framing);
