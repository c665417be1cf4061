namespace GenderML.Cli;

/// <summary>The <c>genderml</c> command: parses arguments and hands each subcommand to the library.</summary>
internal static class CliApp
{
    /// <summary>Exit codes: 0 success, 1 usage error, 2 bad data or model.</summary>
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }
        Console.Error.WriteLine($"genderml: unknown command '{args[0]}'\n{Usage}");
        return 1;
    }

    private const string Usage = """
        usage: genderml <command> [options]

        commands:
          data inspect DIR [--json]        images per split and class, sizes, bad files
          data average DIR --out FILE.png  average face of each class and their difference
        """;
}
