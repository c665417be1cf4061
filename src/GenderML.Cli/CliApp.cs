using GenderML.Models;

namespace GenderML.Cli;

/// <summary>The <c>genderml</c> command: finds the subcommand and hands it the rest of the words.</summary>
internal static class CliApp
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for a usage error.</summary>
    public const int UsageError = 1;

    /// <summary>Exit code for bad data or a bad model file.</summary>
    public const int BadInput = 2;

    /// <summary>The command groups: name → handler of the remaining words. Each group lives in its own file.</summary>
    private static readonly Dictionary<string, Func<string[], int>> Commands = new(StringComparer.Ordinal)
    {
        ["data"] = DataCommand.Run,
        ["train"] = TrainCommand.Run,
        ["evaluate"] = EvaluateCommand.Run,
        ["predict"] = PredictCommand.Run,
        ["compare"] = CompareCommand.Run,
        ["tune"] = TuneCommand.Run,
        ["bench"] = BenchCommand.Run,
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? UsageError : Ok;
        }
        if (!Commands.TryGetValue(args[0], out var handler))
        {
            Console.Error.WriteLine($"genderml: unknown command '{args[0]}'\n\n{Usage}");
            return UsageError;
        }
        try
        {
            return handler(args[1..]);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"\ngenderml {args[0]}: interrupted");
            return ConsoleCancellation.InterruptedExitCode;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"genderml {args[0]}: {e.Message}\n\n{Usage}");
            return UsageError;
        }
        catch (BadInputException e)
        {
            Console.Error.WriteLine($"genderml {args[0]}: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelFormatException or Imaging.ImageLoadException or InvalidDataException)
        {
            // A file the command was told to read or write (an output folder that does not exist, a full disk, a model
            // or image that went bad after the first checks): one line, not a stack trace.
            Console.Error.WriteLine($"genderml {args[0]}: {e.Message}");
            return BadInput;
        }
    }

    private const string Usage = """
        usage: genderml <command> [options]

        commands:
          data inspect DIR [--json] [--check header|decode] [--threads N]
                                           images per split and class, sizes, bad files
          data average DIR --out FILE.png [--size N] [--rgb] [--mode stretch|crop|pad] [--split S] [--cache-dir D]
                                           average face of each class and their difference
          data cache DIR [--size N] [--rgb] [--mode ...] [--cache-dir D]
                                           build/refresh the pixel cache, report reuse and time
          data screen DIR [--split S] [--folds K] [--threshold P] [--out suspects.csv] [--sheet suspects.png] [--json]
                                           images whose label a k-fold face-ResNet model finds unlikely, to review
          train --data DIR --model NAME --out MODEL.zip [--image-size N] [--rgb] [--epochs N] [--batch N]
                [--lr X] [--seed N] [--resume] [--c X] [--no-augment] [--zoom MIN,MAX] [--validation F]
                [--frame-faces|--no-frame-faces] [--frame-margin M] [--threads N] [--curves FILE.png|FILE.svg]
                                           NAME: logreg, gbdt, dense, cnn2, cnn3, vgg, rnn, resnet;
                                           all but logreg frame every image around its face
                                           (face-api's detector) unless --no-frame-faces
          evaluate --model MODEL.zip --data DIR [--split test] [--json] [--report report.md] [--reframe F]
                [--group-by KEY] [--predictions FILE.csv] [--no-framing-check]
                                           scores on the test split; --reframe F shrinks each face by F first;
                                           a report also scores faces shrunk to ×0.7 and ×0.5 (framing
                                           sensitivity) unless --no-framing-check;
                                           --predictions writes path,label,predicted,pMale per image
          predict --model MODEL.zip IMAGE... [--json] [--detect-faces [--detector ssd|tiny] [--annotate OUT.jpg]]
                                           --model pretrained: face-api's ready age/gender net, no training
          compare --data DIR --models NAME,NAME,... [--split test] [--json] [training options]
                                           trains each with the same seed and split: accuracy (also with the
                                           faces shrunk to ×0.7), macro F1, AUC, training s, inference ms per
                                           image (cached pixels, and image to prediction), model size
          tune --data DIR --model NAME [--grid "c=0.001,0.01,0.1,1"] [--random N] [--folds K] [--out MODEL.zip] [--json]
                                           stratified k-fold search (logreg: c; networks: lr, epochs, hidden, batch;
                                           several as "lr=0.001,0.003; epochs=5,10"); --out refits the best
          bench engine [--json] [--threads N]  SGEMM, training and face-ResNet inference throughput on synthetic data

        face-api models (pretrained, transfer*) and face framing read the face-api weights packaged with GenderML
        (--face-models DIR reads them from a folder instead, e.g. models/face-api of a checkout); they re-crop each
        image to its detected face (--canonical-margin M|none, default 0; the tiny detector at 160 px for transfer
        and 224 for pretrained and the other transfer models; train --canonical-detector N sets it); pretrained and
        transfer average each prediction with the mirror image's (--no-mirror turns that off). transfer reads the
        means of the face ResNet's last three stages (train --resnet-features descriptor: the 128-d descriptor)

        exit codes: 0 success, 1 usage error, 2 bad data or model
        """;
}
