using System.CommandLine;
using System.Globalization;
using GenderML.Models;
using GenderML.Web;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml serve --model M.zip|pretrained [--models DIR] [--data DIR] [--host H] [--port P] [--api-key-file F]
/// [--max-batch N] [--queue N] [--threads N] [--face-models DIR]</c>: the HTTP API and dashboard
/// (<see cref="GenderMLServer"/>) until Ctrl+C. Unset options keep <see cref="GenderMLWebOptions"/>' defaults.
/// </summary>
internal static class ServeCommand
{
    private static readonly Option<string> Model = CliOptions.Text("--model", "MODEL.zip", "the default model: a model file, or pretrained", required: true);
    private static readonly Option<string> Models = CliOptions.Folder("--models", "DIR", "serve every *.zip model of DIR too, named after its file");
    private static readonly Option<string> Data = CliOptions.Folder("--data", "DIR", "a labelled dataset the dashboard studies and evaluates the models on");
    private static readonly Option<string> Host = CliOptions.Text("--host", "ADDRESS", $"the address to listen on (default {GenderMLServer.DefaultHost})");
    private static readonly Option<int?> Port = CliOptions.Int("--port", "N", $"the port (default {GenderMLServer.DefaultPort}; 0: a free one)", 0, 65535);
    private static readonly Option<string> ApiKeyFile = CliOptions.Text("--api-key-file", "FILE", "require the key in FILE (first line) on /api and /metrics");
    private static readonly Option<int?> MaxBatch = CliOptions.Int("--max-batch", "N", "the most images per network batch (1: no batching)", 1);
    private static readonly Option<int?> Queue = CliOptions.Int("--queue", "N", "the most images waiting per model before 429", 1);
    private static readonly Option<string> Abstain = CliOptions.Text("--abstain", "LO-HI|none",
        $"the P(male) band in which a face is marked abstained (default {AbstainBand.Default}; none: never)");
    private static readonly Option<int?> Threads = CliOptions.Threads();
    private static readonly Option<string> FaceModels = CliOptions.FaceModels();

    public static Command Create()
    {
        var command = new Command("serve", "the HTTP prediction API and the dashboard, on 127.0.0.1 unless --host says otherwise")
            .With(Model, Models, Data, Host, Port, ApiKeyFile, MaxBatch, Queue, Abstain, Threads, FaceModels);
        command.SetAction(r => CliApp.Guard(r, Run));
        return command;
    }

    private static int Run(ParseResult r)
    {
        string model = r.GetValue(Model)!;
        if (model != ClassifierPresets.Pretrained && !File.Exists(model)) throw new BadInputException($"{model}: no such model file");
        var defaults = new GenderMLWebOptions();
        var options = defaults with
        {
            Model = model,
            ModelsFolder = r.GetValue(Models),
            DataFolder = r.GetValue(Data),
            FaceModelsFolder = r.GetValue(FaceModels),
            Threads = r.GetValue(Threads) ?? defaults.Threads,
            ApiKey = r.GetValue(ApiKeyFile) is { } file ? ReadKey(file) : null,
            MaxBatchSize = r.GetValue(MaxBatch) ?? defaults.MaxBatchSize,
            QueueCapacity = r.GetValue(Queue) ?? defaults.QueueCapacity,
            AbstainBand = r.GetValue(Abstain) switch
            {
                null => defaults.AbstainBand,
                "none" => null,
                var text => ParseBand(text),
            },
        };
        string host = r.GetValue(Host) ?? GenderMLServer.DefaultHost;
        int port = r.GetValue(Port) ?? GenderMLServer.DefaultPort;
        string url = string.Create(CultureInfo.InvariantCulture, $"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = GenderMLServer.Build(options, url);
        }
        catch (FileNotFoundException e)
        {
            throw new BadInputException(e.Message);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new BadInputException(e.Message);
        }
        catch (ModelFormatException e)
        {
            throw new BadInputException(e.Message.Replace("as faceModelsFolder", "with --face-models DIR", StringComparison.Ordinal));
        }
        using var cancel = new ConsoleCancellation();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
        // SIGTERM (kill, a service manager) stops the server as Ctrl+C does: queued predictions finish first.
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        try
        {
            app.StartAsync(stop.Token).GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            throw new BadInputException(e.Message);
        }
        foreach (string address in app.Urls) Console.WriteLine($"genderml serve: listening on {address} (dashboard at /, API at /api, Ctrl+C stops)");
        try
        {
            Task.Delay(Timeout.Infinite, stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        app.StopAsync().GetAwaiter().GetResult();
        app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return CliApp.Ok;
    }

    private static AbstainBand ParseBand(string text)
    {
        try
        {
            return AbstainBand.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--abstain: {e.Message}");
        }
    }

    private static string ReadKey(string file)
    {
        if (!File.Exists(file)) throw new BadInputException($"{file}: no such API key file");
        string key = File.ReadLines(file).FirstOrDefault()?.Trim() ?? "";
        if (key.Length == 0) throw new BadInputException($"{file}: the first line holds no API key");
        return key;
    }
}
