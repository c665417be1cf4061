using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using GenderML.Models;

namespace GenderML.Cli;

/// <summary>
/// The <c>genderml</c> command: its command tree (System.CommandLine), one-line errors with a suggestion for a typo,
/// and the exit codes. Each command lives in its own file and builds its own options.
/// </summary>
internal static class CliApp
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for a usage error (an unknown command or option, a value out of range).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for bad data or a bad model file.</summary>
    public const int BadInput = 2;

    private const string Description = """
        Train, evaluate and use perceived-gender classifiers of face images.

        face-api models (pretrained, transfer*) and face framing read the face-api weights packaged with GenderML
        (--face-models DIR reads them from a folder instead, e.g. models/face-api of a checkout). Every model but logreg
        frames each image around its face. Each model name is a library preset (ClassifierPresets); options change it.

        exit codes: 0 success, 2 usage error or bad data or model, 130 interrupted (Ctrl+C)
        """;

    private static readonly Lazy<RootCommand> Tree = new(Root);

    /// <summary>The whole command tree.</summary>
    public static RootCommand Root()
    {
        var root = new RootCommand(Description);
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(BatchCommand.Create());
        foreach (var option in root.Options)
            if (option is VersionOption version) version.Action = new VersionAction();
        return root;
    }

    public static int Run(string[] args)
    {
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        var root = Tree.Value;
        // A word is never a response file (an image may well be named @me.jpg).
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // Help, version and the commands write to the console of the moment (tests capture it); Ctrl+C is each
        // command's own (ConsoleCancellation), and every error is reported here in one line.
        var invocation = new InvocationConfiguration
        {
            Output = Console.Out,
            Error = Console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        if (args.Length == 0)
        {
            root.Parse(["--help"]).Invoke(invocation);
            return UsageError;
        }
        if (result.Errors.Count > 0) return ParseError(result);
        return result.Invoke(invocation);
    }

    /// <summary>Runs a command's handler, turning what it throws into a one-line message and an exit code.</summary>
    public static int Guard(ParseResult result, Func<ParseResult, int> handler)
    {
        string name = CommandPath(result.CommandResult);
        try
        {
            return handler(result);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"\n{name}: interrupted");
            return ConsoleCancellation.InterruptedExitCode;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{name}: {e.Message} ({name} --help lists the options)");
            return UsageError;
        }
        catch (BadInputException e)
        {
            Console.Error.WriteLine($"{name}: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelFormatException
            or Imaging.ImageLoadException or InvalidDataException)
        {
            // A file the command was told to read or write (an output folder that does not exist, a full disk, a model
            // or image that went bad after the first checks): one line, not a stack trace.
            Console.Error.WriteLine($"{name}: {e.Message}");
            return BadInput;
        }
    }

    /// <summary>The first parse error in one line, with the nearest name when a word looks like a typo.</summary>
    private static int ParseError(ParseResult result)
    {
        string name = CommandPath(result.CommandResult);
        var error = result.Errors[0];
        string? typo = result.UnmatchedTokens.FirstOrDefault();
        string? suggestion = typo is null ? null : Suggest(typo, result.CommandResult.Command);
        string what = typo is null ? "" : typo.StartsWith('-') ? "option"
            : result.CommandResult.Command.Subcommands.Count > 0 ? "command" : "argument";
        string message = typo is not null ? $"unknown {what} '{typo}'" : error.Message.TrimEnd('.');
        string hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
        Console.Error.WriteLine($"{name}: {message}{hint} ({name} --help lists the options)");
        return UsageError;
    }

    /// <summary>The subcommand or option of <paramref name="command"/> nearest to <paramref name="word"/>, if near.</summary>
    internal static string? Suggest(string word, Command command)
    {
        var names = word.StartsWith('-')
            ? command.Options.Where(o => !o.Hidden).Select(o => o.Name)
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        return names.Select(n => (Name: n, Distance: Distance(word, n)))
            .Where(x => x.Distance <= Math.Max(2, x.Name.Length / 3))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name).FirstOrDefault();
    }

    /// <summary>
    /// The Damerau–Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and swaps of
    /// neighbours.
    /// </summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    private static string CommandPath(CommandResult? command)
    {
        var names = new List<string>();
        for (var c = command; c is not null; c = c.Parent as CommandResult)
            names.Add(c.Command is RootCommand ? "genderml" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The program's version and the commit it was built from.</summary>
    internal static string Version()
    {
        var attribute = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>();
        string informational = attribute?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0
            ? $"genderml {informational} (commit unknown)"
            : $"genderml {informational[..plus]} (commit {informational[(plus + 1)..]})";
    }

    private sealed class VersionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version());
            return Ok;
        }
    }
}

/// <summary>A mistake the parser cannot see (options that exclude each other): one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
