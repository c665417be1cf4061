using System.Collections;
using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using GenderML.Batch;

namespace GenderML.Cli;

/// <summary>
/// <c>genderml batch predict|embed|detect|inspect --input DIR|LIST.txt|LIST.parquet --out DIR [--shard i/N|auto]</c>:
/// one shard of a job (<see cref="BatchJob"/>), Parquet part files in DIR, progress and a line per part on standard
/// error; <c>genderml batch merge --out DIR [--format parquet|csv]</c> checks every shard and writes one file
/// (<see cref="BatchOutput"/>). The flags map onto <see cref="BatchOptions"/>; the library holds the defaults.
/// </summary>
internal static class BatchCommand
{
    private static readonly Option<string> Input = CliOptions.Text("--input", "DIR|LIST.txt|LIST.parquet",
        "the images: a folder, a text list (one path a line) or a Parquet list (a path column); relative paths from the list's folder", required: true);
    private static readonly Option<string> Out = CliOptions.Text("--out", "DIR", "the job's output folder (part files and shard manifests)", required: true);
    private static readonly Option<string> ShardOption = CliOptions.Text("--shard", "i/N|auto",
        "this task's shard (default 0/1, the whole input); auto: SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX of --shard-count");
    private static readonly Option<int?> ShardCount = CliOptions.Int("--shard-count", "N", "with --shard auto: the number of shards (a Kubernetes Indexed Job's completions; a Slurm task resubmitted alone)", 1);
    private static readonly Option<int?> PartSize = CliOptions.Int("--part-size", "N", $"images per part file (default {BatchOptions.DefaultPartSize})", 1);
    private static readonly Option<int?> Threads = CliOptions.Threads();
    private static readonly Option<bool> Quiet = CliOptions.Flag("--quiet", "no progress on standard error (the line per part stays)");
    private static readonly Option<string> FaceModels = CliOptions.FaceModels();
    private static readonly Option<string> PredictModel = CliOptions.Text("--model", "MODEL.zip", "the model file, or pretrained", required: true);
    private static readonly Option<bool> DetectFaces = CliOptions.Flag("--detect-faces", "every face of each photo (face-api's SSD detector)");
    private static readonly Option<string> EmbedModel = CliOptions.Text("--model", "NAME", $"the transfer preset whose embedding to compute (default {BatchOptions.DefaultEmbedModel})");
    private static readonly Option<string> Detector = CliOptions.Choice("--detector", "the face detector (default ssd)", "ssd", "tiny");
    private static readonly Option<string> Format = CliOptions.Choice("--format", "merge: a Parquet file DIR/merged.parquet (default), or CSV on standard output", "parquet", "csv");

    public static Command Create() => new Command("batch", "sharded, resumable batch jobs over many images (Slurm job arrays, Kubernetes Indexed Jobs), Parquet output")
        .With(
            Worker(BatchKind.Predict, "P(male) and label of each image, as predict", PredictModel, DetectFaces),
            Worker(BatchKind.Embed, "the transfer preset's frozen-network embedding of each image (train --embeddings reads it)", EmbedModel),
            Worker(BatchKind.Detect, "the faces in each photo: box and score", Detector),
            Worker(BatchKind.Inspect, "whether each image decodes, and its size"),
            MergeCommand());

    private static Command Worker(BatchKind kind, string description, params Option[] extra)
    {
        var command = new Command(kind.ToString().ToLowerInvariant(), description)
            .With(Input, Out, ShardOption, ShardCount, PartSize, Threads, Quiet, FaceModels).With(extra);
        command.SetAction(r => CliApp.Guard(r, p => Run(p, kind)));
        return command;
    }

    private static Command MergeCommand()
    {
        var command = new Command("merge", "check that every shard in DIR is complete and of one job, and write the rows as one file")
            .With(Out, Format);
        command.SetAction(r => CliApp.Guard(r, Merge));
        return command;
    }

    private static int Run(ParseResult r, BatchKind kind)
    {
        var options = new BatchOptions
        {
            Kind = kind,
            OutputFolder = r.GetValue(Out)!,
            Shard = ParseShard(r.GetValue(ShardOption), r.GetValue(ShardCount)),
            Model = kind switch
            {
                BatchKind.Predict => r.GetValue(PredictModel),
                BatchKind.Embed => r.GetValue(EmbedModel),
                BatchKind.Detect => r.GetValue(Detector),
                _ => null,
            },
            DetectFaces = kind == BatchKind.Predict && r.GetValue(DetectFaces),
            FaceModelsFolder = r.GetValue(FaceModels),
            Threads = r.GetValue(Threads) ?? 0,
        };
        if (r.GetValue(PartSize) is { } size) options = options with { PartSize = size };
        BatchInput input;
        try
        {
            input = BatchInput.Open(r.GetValue(Input)!);
        }
        catch (FileNotFoundException e)
        {
            throw new BadInputException(e.Message);
        }
        if (options.Kind == BatchKind.Predict && options.Model != ClassifierPresets.Pretrained && !File.Exists(options.Model))
            throw new BadInputException($"{options.Model}: no such model file");
        bool quiet = r.GetValue(Quiet);
        string tag = $"shard {options.Shard}";
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch {kind.ToString().ToLowerInvariant()}: {tag} of {input.Paths.Count} images from {input.Source} into {options.OutputFolder}"));
        using var cancel = new ConsoleCancellation();
        // Slurm's scancel and Kubernetes stop a task with SIGTERM: stop at the next chunk, leaving no part half written.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });
        var progress = quiet || Console.IsErrorRedirected ? null : new Progress<BatchProgress>(p =>
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{tag}: {p.Done}/{p.Total} images")));
        try
        {
            var summary = Run(input, options, progress, cancel.Token, quiet, tag);
            if (progress is not null) Console.Error.WriteLine();
            int images = summary.Parts.Sum(p => p.Images), failures = summary.Parts.Sum(p => p.Failures);
            Console.Error.WriteLine(summary.AlreadyComplete
                ? string.Create(CultureInfo.InvariantCulture, $"{tag}: already complete ({summary.Parts.Count} parts, {images} images); no file changed")
                : string.Create(CultureInfo.InvariantCulture, $"{tag}: done, {summary.Parts.Count} parts, {images} images, {failures} failures"));
            return CliApp.Ok;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"\n{tag}: stopped; the parts written are kept and the same command continues from them");
            return ConsoleCancellation.InterruptedExitCode;
        }
    }

    private static BatchSummary Run(BatchInput input, BatchOptions options, IProgress<BatchProgress>? progress, CancellationToken cancellation,
        bool quiet, string tag)
    {
        try
        {
            return BatchJob.Run(input, options, progress, p => Console.Error.WriteLine($"{(quiet || Console.IsErrorRedirected ? "" : "\r")}{tag}: {p}"), cancellation);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(e.Message);
        }
        catch (FileNotFoundException e)
        {
            throw new BadInputException(e.Message);
        }
    }

    private static int Merge(ParseResult r)
    {
        string folder = r.GetValue(Out)!;
        BatchOutput output;
        try
        {
            output = BatchOutput.Open(folder);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new BadInputException(e.Message);
        }
        var job = output.Job;
        if (r.GetValue(Format) == "csv")
        {
            output.WriteCsv(Console.Out);
            return CliApp.Ok;
        }
        string path = output.WriteParquet();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {job.Images} rows of {job.Shards} shard(s), {job.Kind.ToString().ToLowerInvariant()} with {job.Model}"));
        return CliApp.Ok;
    }

    /// <summary>The shard of <c>--shard</c>: i/N, auto (from the scheduler's environment), or the whole input when absent.</summary>
    private static Shard ParseShard(string? text, int? count)
    {
        try
        {
            if (text == "auto")
            {
                var environment = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) environment[(string)e.Key] = (string?)e.Value ?? "";
                return Shard.FromEnvironment(environment, count);
            }
            if (count is not null) throw new UsageException("--shard-count goes with --shard auto");
            return text is null ? Shard.Whole : Shard.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--shard: {e.Message}");
        }
    }
}
