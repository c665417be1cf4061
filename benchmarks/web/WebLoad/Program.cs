// A bounded load generator for `genderml serve`, on loopback only. It starts the published CLI as its own process (so
// the RSS and CPU time read from /proc are the server's alone), waits for /health/ready, then runs C clients for S
// seconds, each posting real face crops (raw image/jpeg) one after the other, and prints one JSON line per run:
// requests, failures by kind (429s counted apart), p50/p99 latency, requests/s, server CPU seconds, RSS at start/end.
//
//   dotnet run -c Release --project benchmarks/web/WebLoad -- CLI.dll FACES_DIR CLIENTS SECONDS [serve options...]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: WebLoad CLI.dll FACES_DIR CLIENTS SECONDS [serve options...]");
    return 2;
}
string cli = args[0], facesDir = args[1];
int clients = int.Parse(args[2], CultureInfo.InvariantCulture);
double seconds = double.Parse(args[3], CultureInfo.InvariantCulture);
string[] serveOptions = args[4..];
byte[][] faces = [.. Directory.GetFiles(facesDir, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(256).Select(File.ReadAllBytes)];
if (faces.Length == 0)
{
    Console.Error.WriteLine($"{facesDir}: no .jpg faces");
    return 2;
}

int port = FreePort();
var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (string a in new[] { cli, "serve", "--port", port.ToString(CultureInfo.InvariantCulture) }.Concat(serveOptions)) start.ArgumentList.Add(a);
using var server = Process.Start(start)!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
server.BeginOutputReadLine();
server.BeginErrorReadLine();
var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };
try
{
    await WaitReady(http);
    // Warm-up: 10 s at the full number of clients, so RSS at start is after the JIT and the largest batch's buffers.
    await Load(http, faces, clients, 10);
    long rssStart = Rss(server.Id);
    double cpuStart = CpuSeconds(server.Id);
    var clock = Stopwatch.StartNew();
    var result = await Load(http, faces, clients, seconds);
    double wall = clock.Elapsed.TotalSeconds;
    double cpu = CpuSeconds(server.Id) - cpuStart;
    long rssEnd = Rss(server.Id);
    var latencies = result.Latencies.Order().ToArray();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        clients,
        seconds = Math.Round(wall, 1),
        serve = string.Join(' ', serveOptions),
        requests = result.Ok + result.Busy + result.Failed,
        ok = result.Ok,
        busy429 = result.Busy,
        failed = result.Failed,
        failures = result.Failures.Take(5),
        requestsPerSecond = Math.Round(result.Ok / wall, 1),
        p50Ms = Math.Round(Percentile(latencies, 0.50), 1),
        p99Ms = Math.Round(Percentile(latencies, 0.99), 1),
        serverCpuSeconds = Math.Round(cpu, 1),
        rssStartMb = Math.Round(rssStart / 1048576.0, 1),
        rssEndMb = Math.Round(rssEnd / 1048576.0, 1),
    }));
    return result.Failed == 0 ? 0 : 1;
}
finally
{
    if (!server.HasExited)
    {
        server.Kill(entireProcessTree: true);
        server.WaitForExit();
    }
}

static async Task<LoadResult> Load(HttpClient http, byte[][] faces, int clients, double seconds)
{
    var result = new LoadResult();
    long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
    var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
    {
        for (int n = c; Stopwatch.GetTimestamp() < end; n += clients)
        {
            var content = new ByteArrayContent(faces[n % faces.Length]);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.PostAsync("/api/predict", content);
                await response.Content.ReadAsByteArrayAsync();
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.OK) result.Add(ms);
                else if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref result.Busy);
                else result.Fail($"HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                result.Fail(e.GetType().Name + ": " + e.Message);
            }
        }
    }));
    await Task.WhenAll(tasks);
    return result;
}

static async Task WaitReady(HttpClient http)
{
    for (int i = 0; i < 600; i++)
    {
        try
        {
            if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
        }
        catch (HttpRequestException)
        {
        }
        await Task.Delay(100);
    }
    throw new TimeoutException("the server did not become ready within 60 s");
}

static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

static long Rss(int pid)
{
    foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    return 0;
}

static double CpuSeconds(int pid)
{
    // utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux).
    string stat = File.ReadAllText($"/proc/{pid}/stat");
    string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

internal sealed class LoadResult
{
    private readonly Lock _gate = new();
    public readonly List<double> Latencies = [];
    public readonly List<string> Failures = [];
    public int Ok;
    public int Busy;
    public int Failed;

    public void Add(double ms)
    {
        lock (_gate)
        {
            Latencies.Add(ms);
            Ok++;
        }
    }

    public void Fail(string why)
    {
        lock (_gate)
        {
            Failed++;
            if (Failures.Count < 20) Failures.Add(why);
        }
    }
}
