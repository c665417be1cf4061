using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GenderML.Tests.Batch;

/// <summary>
/// The batch worker as a process: killed with SIGKILL mid-part, and as a 4-task Slurm job array on a single-node
/// cluster (scripts/slurm/start-cluster.sh) with one task cancelled and resubmitted. Each run's merged rows must equal a
/// single-process run's. Waiting on other processes polls the files and the queue (with a deadline), never the clock.
/// </summary>
public sealed class BatchProcessTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private static string Cli => Path.Combine(AppContext.BaseDirectory, "GenderML.Cli.dll");

    private readonly List<BatchFaces> _faces = [];

    public void Dispose()
    {
        foreach (var f in _faces) f.Dispose();
    }

    [Fact]
    public void AWorkerKilledMidPart_LeavesNoHalfWrittenPart_AndTheRerunCompletes()
    {
        var faces = Faces(15);
        string folder = Path.Combine(faces.Root, "killed"), reference = Path.Combine(faces.Root, "reference");
        string[] job = ["batch", "predict", "--model", "pretrained", "--input", faces.Images, "--part-size", "5", "--threads", "1", "--quiet"];
        using (var worker = Start([.. job, "--out", folder]))
        {
            string first = Path.Combine(folder, "part-00000-of-00001-00000.parquet");
            WaitUntil(() => File.Exists(first) || worker.HasExited, "the first part file");
            worker.Kill();   // SIGKILL: no handler runs
            worker.WaitForExit();
        }
        var left = Directory.GetFiles(folder).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("_manifest-00000-of-00001.json", left);
        Assert.InRange(left.Count(f => f!.StartsWith("part-", StringComparison.Ordinal)), 1, 5);
        foreach (string part in Directory.GetFiles(folder, "part-*.parquet"))
            Assert.Equal(5, GenderML.Batch.PartFile.Read(part).Rows.Count);   // whole, or not there

        Assert.Equal(0, Run([.. job, "--out", folder]).Code);
        Assert.Empty(Directory.GetFiles(folder, ".*"));
        Assert.Equal(0, Run([.. job, "--out", reference]).Code);
        Assert.Equal(Run("batch", "merge", "--out", reference, "--format", "csv").Out, Run("batch", "merge", "--out", folder, "--format", "csv").Out);
    }

    [Fact]
    public void ASlurmJobArray_WithOneTaskCancelledAndResubmitted_MergesToTheSingleProcessRows()
    {
        bool ci = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        if (!File.Exists("/usr/sbin/slurmctld") && !ci) return;   // no Slurm here, and not CI, where install-deps.sh installs it

        // 200 images per task: on a quiet machine a task of 50 finished before scancel reached it, so the cancellation
        // no longer landed mid-way; at 200 the task runs for seconds after its first part of 5 appears.
        const int perClass = 400;
        var faces = Faces(perClass);
        string cluster = Path.Combine(faces.Root, "slurm"), folder = Path.Combine(faces.Root, "array"), reference = Path.Combine(faces.Root, "reference");
        string scripts = Path.Combine(BatchFaces.RepoRoot, "scripts", "slurm");
        var env = new Dictionary<string, string>
        {
            ["SLURM_CONF"] = Path.Combine(cluster, "slurm.conf"),
            ["GENDERML_SLURM_PORT"] = FreePortPair().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GENDERML"] = $"dotnet {Cli}",
        };
        var started = Shell(env, Path.Combine(scripts, "start-cluster.sh"), cluster);
        try
        {
            Assert.True(started.Code == 0, started.Err);
            string[] submit = ["--parsable", $"--chdir={faces.Root}", $"--output={faces.Root}/task-%a.out", Path.Combine(scripts, "batch-predict.sbatch"),
                faces.Images, folder, "pretrained", "--part-size", "5"];
            var sbatch = Shell(env, "sbatch", ["--array=0-3", .. submit]);
            Assert.True(sbatch.Code == 0, sbatch.Err);
            string jobId = sbatch.Out.Trim().Split(';')[0];

            WaitUntil(() => File.Exists(Path.Combine(folder, "part-00001-of-00004-00000.parquet")), "task 1's first part");
            // Stopped here, task 1 cannot finish before the cancel reaches it however slow slurmctld answers (a loaded
            // CI machine took longer than the task's remaining seconds); scancel continues it (SIGCONT) as it stops it.
            int task = TaskProcess(jobId, 1);
            Assert.Equal(0, Shell(env, "kill", "-STOP", task.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code);
            Assert.Equal(0, Shell(env, "scancel", $"{jobId}_1").Code);
            WaitUntil(() => Shell(env, "squeue", "-h", "-j", jobId).Out.Trim().Length == 0, "the array to end");

            Assert.False(File.Exists(Path.Combine(folder, "_manifest-00001-of-00004.json")), File.ReadAllText(Path.Combine(faces.Root, "task-1.out")));
            var refused = Run("batch", "merge", "--out", folder);
            Assert.Equal(2, refused.Code);
            Assert.Contains("shard 1/4 missing or unfinished", refused.Err, StringComparison.Ordinal);

            var again = Shell(env, "sbatch", ["--array=1", .. submit, "--shard-count", "4"]);
            Assert.True(again.Code == 0, again.Err);
            string againId = again.Out.Trim().Split(';')[0];
            WaitUntil(() => Shell(env, "squeue", "-h", "-j", againId).Out.Trim().Length == 0, "the resubmitted task to end");
            string log = File.ReadAllText(Path.Combine(faces.Root, "task-1.out"));
            Assert.Contains("complete from an earlier run", log, StringComparison.Ordinal);

            Assert.Equal(0, Run("batch", "predict", "--model", "pretrained", "--input", faces.Images, "--out", reference, "--shard", "0/1", "--quiet").Code);
            var merged = Run("batch", "merge", "--out", folder, "--format", "csv");
            Assert.True(merged.Code == 0, merged.Err + log);
            Assert.Equal(2 * perClass + 1, merged.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(Run("batch", "merge", "--out", reference, "--format", "csv").Out, merged.Out);
        }
        finally
        {
            Shell(env, Path.Combine(scripts, "stop-cluster.sh"), cluster);
        }
    }

    /// <summary>The process of task <paramref name="task"/> of array job <paramref name="jobId"/> (found by its Slurm
    /// environment in /proc; the batch script execs the worker, so it is the only one).</summary>
    private static int TaskProcess(string jobId, int task)
    {
        string[] wanted = [$"SLURM_ARRAY_JOB_ID={jobId}", $"SLURM_ARRAY_TASK_ID={task}"];
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string[] environment;
            try { environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0'); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (wanted.All(environment.Contains)) return pid;
        }
        throw new InvalidOperationException($"no process of task {jobId}_{task}");
    }

    private BatchFaces Faces(int perClass)
    {
        var faces = BatchFaces.Create(perClass);
        _faces.Add(faces);
        return faces;
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Cli);
        foreach (string a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var process = Start(args);
        return Finish(process);
    }

    private static (int Code, string Out, string Err) Shell(Dictionary<string, string> env, string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        return Finish(process);
    }

    private static (int Code, string Out, string Err) Finish(Process process)
    {
        var err = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, err.Result);
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline) throw new TimeoutException($"waited {Deadline.TotalMinutes} minutes for {what}");
            Thread.Sleep(50);
        }
    }

    /// <summary>A free TCP port whose successor is free too (slurmctld's and slurmd's).</summary>
    private static int FreePortPair()
    {
        for (int attempt = 0; ; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            int port = ((IPEndPoint)first.LocalEndpoint).Port;
            try
            {
                using var second = new TcpListener(IPAddress.Any, port + 1);
                second.Start();
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}
