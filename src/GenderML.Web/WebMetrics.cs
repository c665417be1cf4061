using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace GenderML.Web;

/// <summary>
/// The counters behind <c>GET /metrics</c>, written in Prometheus' text format 0.0.4: requests by route and status,
/// request latency and batch size histograms, faces predicted, errors by status.
/// </summary>
internal sealed class WebMetrics
{
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128];

    private readonly ConcurrentDictionary<(string Route, int Status), long> _requests = new();
    private readonly Histogram _latency = new(LatencyBuckets);
    private readonly Histogram _batches = new(BatchBuckets);
    private long _faces;

    public void ObserveRequest(string route, int status, double seconds)
    {
        _requests.AddOrUpdate((route, status), 1, (_, n) => n + 1);
        _latency.Observe(seconds);
    }

    public void ObserveBatch(int size) => _batches.Observe(size);

    public void AddFaces(int count) => Interlocked.Add(ref _faces, count);

    public string Render(IEnumerable<ServedModel> models)
    {
        var s = new StringBuilder();
        s.Append("# HELP genderml_requests_total HTTP requests answered, by route and status.\n# TYPE genderml_requests_total counter\n");
        foreach (var ((route, status), n) in _requests.OrderBy(p => p.Key.Route, StringComparer.Ordinal).ThenBy(p => p.Key.Status))
            s.Append(Invariant($"genderml_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}\n"));
        s.Append("# HELP genderml_errors_total HTTP requests answered with a 4xx or 5xx status, by status.\n# TYPE genderml_errors_total counter\n");
        foreach (var group in _requests.Where(p => p.Key.Status >= 400).GroupBy(p => p.Key.Status).OrderBy(g => g.Key))
            s.Append(Invariant($"genderml_errors_total{{status=\"{group.Key}\"}} {group.Sum(p => p.Value)}\n"));
        _latency.Render(s, "genderml_request_duration_seconds", "Time from request to answer, in seconds.");
        _batches.Render(s, "genderml_batch_size", "Images run through a network in one batch.");
        s.Append("# HELP genderml_faces_total Faces predicted.\n# TYPE genderml_faces_total counter\n");
        s.Append(Invariant($"genderml_faces_total {Interlocked.Read(ref _faces)}\n"));
        s.Append("# HELP genderml_queue_images Images waiting for the network, by model.\n# TYPE genderml_queue_images gauge\n");
        foreach (var m in models) s.Append(Invariant($"genderml_queue_images{{model=\"{m.Name}\"}} {m.Batcher.Waiting}\n"));
        return s.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A cumulative Prometheus histogram: a count per upper bound, the sum and the count.</summary>
    private sealed class Histogram(double[] bounds)
    {
        private readonly long[] _counts = new long[bounds.Length];
        private readonly Lock _gate = new();
        private double _sum;
        private long _count;

        public void Observe(double value)
        {
            lock (_gate)
            {
                for (int i = 0; i < bounds.Length; i++)
                    if (value <= bounds[i]) _counts[i]++;
                _sum += value;
                _count++;
            }
        }

        public void Render(StringBuilder s, string name, string help)
        {
            lock (_gate)
            {
                s.Append(Invariant($"# HELP {name} {help}\n# TYPE {name} histogram\n"));
                for (int i = 0; i < bounds.Length; i++) s.Append(Invariant($"{name}_bucket{{le=\"{bounds[i]}\"}} {_counts[i]}\n"));
                s.Append(Invariant($"{name}_bucket{{le=\"+Inf\"}} {_count}\n{name}_sum {_sum}\n{name}_count {_count}\n"));
            }
        }
    }
}
