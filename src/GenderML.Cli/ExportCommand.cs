using System.CommandLine;
using GenderML.Onnx;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml export --onnx MODEL.zip OUT.onnx [--face-models DIR]</c>: writes a model (a <c>.zip</c>, or
/// <c>pretrained</c>) as ONNX through <see cref="OnnxExport"/>. A kind that cannot be exported is a bad-input error
/// naming the kind.
/// </summary>
internal static class ExportCommand
{
    private static readonly Option<string[]> Onnx = new("--onnx")
    {
        Description = "the model (MODEL.zip, or pretrained) and the ONNX file to write",
        HelpName = "MODEL OUT.onnx",
        Arity = new ArgumentArity(2, 2),
        AllowMultipleArgumentsPerToken = true,
        Required = true,
    };

    private static readonly Option<string> FaceModels = CliOptions.FaceModels();

    public static Command Create()
    {
        var command = new Command("export", "write a trained model as ONNX (graph and preprocessing in docs/ONNX.md)")
            .With(Onnx, FaceModels);
        command.SetAction(r => CliApp.Guard(r, Run));
        return command;
    }

    private static int Run(ParseResult r)
    {
        string[] paths = r.GetValue(Onnx)!;
        string model = paths[0], output = paths[1];
        if (!output.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--onnx writes a .onnx file, not '{output}'");
        var classifier = ModelArgs.Load(model, 1, faceModels: r.GetValue(FaceModels));
        try
        {
            OnnxExport.Save(classifier, output);
        }
        catch (NotSupportedException e)
        {
            throw new BadInputException($"{model}: {e.Message}");
        }
        Console.WriteLine($"{output}: {classifier.Info.Kind} model as ONNX ({new FileInfo(output).Length:N0} bytes)");
        return CliApp.Ok;
    }
}
