using System.Globalization;
using GenderML.Training;

namespace GenderML.Cli;

/// <summary>Prints training progress to standard error: one updating line per epoch on a terminal, one line per epoch otherwise.</summary>
internal sealed class ProgressPrinter : IProgress<TrainingProgress>
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private bool _open;

    public void Report(TrainingProgress p)
    {
        if (p.Phase is TrainingProgress.EmbeddingPhase or TrainingProgress.PreparingPhase)
        {
            ReportPass(p, p.Phase == TrainingProgress.EmbeddingPhase ? "embedding" : "preparing pixels");
            return;
        }
        bool epochEnd = p.ValidationLoss is not null || (p.Batches == 1 && p.Epoch % 50 == 0);
        if (!epochEnd && !_terminal) return;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs} [{Bar(p)}] loss {p.TrainLoss:F4} acc {p.TrainAccuracy:P1}");
        if (p.ValidationLoss is { } vl) line += string.Create(CultureInfo.InvariantCulture, $" | val loss {vl:F4} acc {p.ValidationAccuracy:P1}");
        line += string.Create(CultureInfo.InvariantCulture, $" | {p.Elapsed:hh\\:mm\\:ss} ETA {p.Remaining:hh\\:mm\\:ss}");
        if (_terminal)
        {
            Console.Error.Write("\r" + line.PadRight(Console.IsErrorRedirected ? 0 : 110));
            _open = true;
            if (p.ValidationLoss is not null) { Console.Error.WriteLine(); _open = false; }
        }
        else
        {
            Console.Error.WriteLine(line);
        }
    }

    // A pass over the images (the pixel cache being built, a frozen network): an updating bar on a terminal; otherwise a
    // line at every tenth and at the end.
    private int _lastTenth = -1;

    private void ReportPass(TrainingProgress p, string label)
    {
        int tenth = p.Batches == 0 ? 10 : p.Batch * 10 / p.Batches;
        if (!_terminal && tenth == _lastTenth) return;
        _lastTenth = p.Batch == p.Batches ? -1 : tenth;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{label} [{Bar(p)}] {p.Batch}/{p.Batches} images | {p.Elapsed:hh\\:mm\\:ss} ETA {p.Remaining:hh\\:mm\\:ss}");
        if (_terminal)
        {
            Console.Error.Write("\r" + line.PadRight(110));
            _open = true;
            if (p.Batch == p.Batches) { Console.Error.WriteLine(); _open = false; }
        }
        else
        {
            Console.Error.WriteLine(line);
        }
    }

    /// <summary>A 20-character bar of the batches (or images) done.</summary>
    private static string Bar(TrainingProgress p)
    {
        const int Width = 20;
        int filled = p.Batches == 0 ? Width : p.Batch * Width / p.Batches;
        return new string('#', filled) + new string('.', Width - filled);
    }

    public void Done()
    {
        if (_open) Console.Error.WriteLine();
        _open = false;
    }
}
