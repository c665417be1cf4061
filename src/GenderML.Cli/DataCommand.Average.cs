namespace GenderML.Cli;

internal static partial class DataCommand
{
    private static int Average(CliArgs a)
    {
        a.Required("--out");
        a.Int("--size", 64);
        a.ThrowOnUnknown();
        throw new UsageException("data average is not built yet");
    }
}
