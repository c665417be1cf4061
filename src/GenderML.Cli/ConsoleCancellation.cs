namespace GenderML.Cli;

/// <summary>
/// Ctrl+C as a cancellation token for the length of a command: the first press cancels it, so the command stops at its
/// next check and removes what it had half written; a second press ends the process at once, as usual.
/// </summary>
internal sealed class ConsoleCancellation : IDisposable
{
    /// <summary>The exit code of a command stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int InterruptedExitCode = 130;

    private readonly CancellationTokenSource _source = new();

    public ConsoleCancellation() => Console.CancelKeyPress += OnCancel;

    /// <summary>Cancelled by the first Ctrl+C.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Cancels as a first Ctrl+C would (another stop signal, such as SIGTERM).</summary>
    public void Cancel()
    {
        if (!_source.IsCancellationRequested) _source.Cancel();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return;   // the second press: let it end the process
        e.Cancel = true;
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }
}
