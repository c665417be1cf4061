using GenderML.Cli;

namespace GenderML.Tests.Cli;

/// <summary>
/// Runs the <c>genderml</c> command in-process with standard output and error captured. Tests that use it swap the
/// process-wide console, so their classes belong to the <c>Console</c> collection (never run in parallel).
/// </summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (CliApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }
}
