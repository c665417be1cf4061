using System.CommandLine;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml model card MODEL.zip [--json]</c>: the model card saved in a model file (or the built-in card of
/// <c>pretrained</c>), as Markdown or JSON.
/// </summary>
internal static class ModelCommand
{
    private static readonly Argument<string> Model = new("MODEL") { Description = "the model file, or pretrained" };
    private static readonly Option<bool> Json = CliOptions.Json("the card as JSON");
    private static readonly Option<string> FaceModels = CliOptions.FaceModels();

    public static Command Create()
    {
        var card = new Command("card", "the model card of a model: intended use, training data, metrics, calibration, groups, limits")
            .With(Model, Json, FaceModels);
        card.SetAction(r => CliApp.Guard(r, Card));
        var command = new Command("model", "what a model file holds");
        command.Subcommands.Add(card);
        return command;
    }

    private static int Card(ParseResult r)
    {
        var classifier = ModelArgs.Load(r.GetValue(Model)!, 1, faceModels: r.GetValue(FaceModels));
        var card = ModelCard.For(classifier);
        Console.Write(r.GetValue(Json) ? card.ToJson() + Environment.NewLine : card.ToMarkdown());
        return CliApp.Ok;
    }
}
