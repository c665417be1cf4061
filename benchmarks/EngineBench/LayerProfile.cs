using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GenderML.Core;
using GenderML.Core.Layers;

/// <summary>
/// Where the time goes, per layer: ours layer by layer through the network's top-level steps (median of the runs,
/// calling thread's CPU time and wall time), and ONNX Runtime's own profiler (per-node kernel wall time, the
/// fastest of the runs after warm-up), each as a markdown table.
/// </summary>
internal static class LayerProfile
{
    public static void Run(BenchNetwork net, int threads, int batch, int runs, bool deep = false)
    {
        var random = new Random(7);
        var raw = new Tensor(batch, net.Channels, net.Side, net.Side);
        for (int i = 0; i < raw.Length; i++) raw.Data[i] = random.Next(256);
        var x = new Tensor(batch, net.Channels, net.Side, net.Side);
        net.Normalize(raw, x);
        if (!deep && ChannelBlockedPlan.TryCreate(net.Layers(threads), net.Channels, net.Side, net.Side) is { } plan)
        {
            PlanProfile(net, plan, threads, batch, runs, x);
            OrtProfile(net, threads, batch, runs, raw);
            return;
        }
        var layers = deep ? Leaves(net.Layers(threads)) : net.Layers(threads).Layers;
        var cpu = new List<double>[layers.Count];
        var wall = new List<double>[layers.Count];
        var shapes = new string[layers.Count];
        for (int i = 0; i < layers.Count; i++) (cpu[i], wall[i]) = ([], []);
        for (int r = 0; r < runs + 2; r++)
        {
            var t = x;
            for (int i = 0; i < layers.Count; i++)
            {
                double c0 = CpuClock.ThreadSeconds();
                long w0 = Stopwatch.GetTimestamp();
                t = layers[i].Forward(t);
                if (r < 2) continue;
                wall[i].Add(Stopwatch.GetElapsedTime(w0).TotalMilliseconds);
                cpu[i].Add((CpuClock.ThreadSeconds() - c0) * 1000);
                // The shortcut run first passes its input on; its own output is what it computed.
                shapes[i] = (layers[i] is ShortcutFirst { Output: { } kept } ? kept : t).ToString();
            }
        }
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"ours: {net.Name}, batch {batch}, {threads} thread(s), median of {runs} runs (µs per batch)");
        Console.WriteLine("| step | layer | output | thread CPU µs | wall µs |");
        Console.WriteLine("|---|---|---|---|---|");
        double totalCpu = 0, totalWall = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            double c = Median(cpu[i]), w = Median(wall[i]);
            totalCpu += c;
            totalWall += w;
            Console.WriteLine(string.Create(ci, $"| {i} | {Describe(layers[i])} | {shapes[i]} | {1000 * c:F1} | {1000 * w:F1} |"));
        }
        Console.WriteLine(string.Create(ci, $"| | total | | {1000 * totalCpu:F1} | {1000 * totalWall:F1} |"));
        Console.WriteLine();
        OrtProfile(net, threads, batch, runs, raw);
    }

    /// <summary>The channel-blocked plan's steps (the product's path for this network): median wall time per step.
    /// </summary>
    private static void PlanProfile(BenchNetwork net, ChannelBlockedPlan plan, int threads, int batch, int runs, Tensor x)
    {
        var names = plan.StepNames;
        var times = new List<double>[names.Count];
        for (int i = 0; i < names.Count; i++) times[i] = [];
        // Warm for 2 s first: the JIT's last tier replaces every method (a count of runs leaves small steps in
        // their first tiers).
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 2000) plan.Forward(x);
        for (int r = 0; r < runs; r++)
        {
            plan.StepTicks = new long[names.Count];
            plan.Forward(x);
            for (int i = 0; i < names.Count; i++) times[i].Add(plan.StepTicks[i] * 1e6 / Stopwatch.Frequency);
        }
        plan.StepTicks = null;
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"ours: {net.Name} as a channel-blocked plan, batch {batch}, {threads} thread(s), median of {runs} runs (wall µs per batch)");
        Console.WriteLine("| step | layer | µs |");
        Console.WriteLine("|---|---|---|");
        double total = 0;
        for (int i = 0; i < names.Count; i++)
        {
            double m = Median(times[i]);
            total += m;
            Console.WriteLine(string.Create(ci, $"| {i} | {names[i]} | {m:F1} |"));
        }
        Console.WriteLine(string.Create(ci, $"| | total | {total:F1} |"));
        Console.WriteLine();
    }

    private static void OrtProfile(BenchNetwork net, int threads, int batch, int runs, Tensor raw)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"enginebench-ort-{Environment.ProcessId}");
        string path;
        using (var ort = new OrtPeer(net.Onnx, threads, batch, raw.Data, [batch, net.Channels, net.Side, net.Side], spinning: false, prefix))
        {
            for (int r = 0; r < runs + 2; r++) ort.Run();
            path = ort.EndProfiling();
        }
        // Chrome-trace events; node kernels have cat "Node" and names "<node>_kernel_time". The first two runs warm up.
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        File.Delete(path);
        var order = new List<string>();
        var sums = new Dictionary<string, (string Op, string Shape, double Us, int Count)>();
        // Node times are wall times: the minimum over the runs is the least disturbed by other tenants.
        int runIndex = -1;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (e.GetProperty("cat").GetString() == "Session" && e.GetProperty("name").GetString() == "model_run") continue;
            if (e.GetProperty("cat").GetString() != "Node") continue;
            string name = e.GetProperty("name").GetString()!;
            if (!name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            name = name[..^"_kernel_time".Length];
            if (order.Count > 0 && name == order[0]) runIndex++;
            if (order.Count == 0) runIndex = 0;
            if (!sums.ContainsKey(name)) order.Add(name);
            if (runIndex < 2) { sums.TryAdd(name, ("", "", 0, 0)); continue; }
            var args = e.GetProperty("args");
            string op = args.TryGetProperty("op_name", out var o) ? o.GetString()! : "";
            string shape = args.TryGetProperty("output_type_shape", out var s) ? s.ToString() : "";
            var old = sums[name];
            double dur = e.GetProperty("dur").GetDouble();
            sums[name] = (op, shape.Length > 60 ? shape[..60] : shape, old.Count == 0 ? dur : Math.Min(old.Us, dur), old.Count + 1);
        }
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"ONNX Runtime: {net.Name}, batch {batch}, {threads} thread(s), fastest of {runs} runs per node (µs per batch, kernel wall time)");
        Console.WriteLine("| node | op | output | µs |");
        Console.WriteLine("|---|---|---|---|");
        double total = 0;
        foreach (string name in order)
        {
            var (op, shape, us, count) = sums[name];
            if (count == 0) continue;
            total += us;
            Console.WriteLine(string.Create(ci, $"| {name} | {op} | {shape} | {us:F1} |"));
        }
        Console.WriteLine(string.Create(ci, $"| total | | | {total:F1} |"));
    }

    /// <summary>
    /// The network as a flat list of steps whose chained forward passes equal its forward pass: sequences unrolled
    /// except for the neighbours evaluation mode fuses (ReLU + separable conv + ReLU, conv + ReLU, separable conv +
    /// leaky ReLU + max pool, leaky ReLU + max pool, conv (+ ReLU) + max pool: one step each), a residual connection in
    /// the order the network runs it: with a convolution shortcut whose main branch's last layer takes the add, the
    /// shortcut on its input first, then the main branch, its last step adding the shortcut in its output pass; else
    /// the main branch, then one step that runs the shortcut on the saved input and adds (the add is fused into the
    /// shortcut convolution in the network itself).
    /// </summary>
    internal static List<Layer> Leaves(Layer layer)
    {
        var steps = new List<Layer>();
        void Add(Layer l)
        {
            switch (l)
            {
                case Sequential s:
                    for (int i = 0; i < s.Layers.Count; i++)
                    {
                        // The neighbours evaluation mode fuses run as one step, in a chain of their own.
                        int end = i;
                        if (s.Layers[i] is ReLU && i + 1 < s.Layers.Count && s.Layers[i + 1] is SeparableConv2d) end++;
                        if (s.Layers[end] is SeparableConv2d && end + 2 < s.Layers.Count && s.Layers[end + 1] is LeakyReLU
                            && s.Layers[end + 2] is MaxPool2d) end += 2;
                        else if (s.Layers[end] is SeparableConv2d or Conv2d && end + 1 < s.Layers.Count && s.Layers[end + 1] is ReLU) end++;
                        else if (s.Layers[end] is LeakyReLU && end + 1 < s.Layers.Count && s.Layers[end + 1] is MaxPool2d) end++;
                        if (s.Layers[i] is Conv2d && end + 1 < s.Layers.Count && s.Layers[end + 1] is MaxPool2d) end++;
                        if (end == i && s.Layers[i] is not SeparableConv2d) Add(s.Layers[i]);
                        else
                        {
                            var compute = s.Layers[i].Compute;
                            var group = new Sequential([.. s.Layers.Skip(i).Take(end - i + 1)]);
                            group.SetCompute(compute);
                            group.SetTraining(false);
                            steps.Add(group);
                        }
                        i = end;
                    }
                    break;
                case Residual { Shortcut: Conv2d conv, Main: Sequential main } when InferenceFusion.TakesResidual(main.Layers):
                    var first = new ShortcutFirst(conv);
                    steps.Add(first);
                    Add(main);
                    steps[^1] = new AddInLastPass(steps[^1], first);
                    break;
                case Residual r:
                    var save = new SaveInput();
                    steps.Add(save);
                    Add(r.Main);
                    steps.Add(new AddShortcut(save, r.Shortcut));
                    break;
                default: steps.Add(l); break;
            }
        }
        Add(layer);
        return steps;
    }

    private sealed class SaveInput : Layer
    {
        public Tensor? Saved;
        public override Tensor Forward(Tensor input) => Saved = input;
        public override Tensor Backward(Tensor gradOutput) => gradOutput;
    }

    private sealed class AddShortcut(SaveInput save, Layer? shortcut) : Layer
    {
        private Tensor? _out;
        public override Tensor Forward(Tensor input)
        {
            var s = shortcut is null ? save.Saved! : shortcut.Forward(save.Saved!);
            _out ??= new Tensor(input.Shape.ToArray());
            System.Numerics.Tensors.TensorPrimitives.Add(input.Data, s.Data, _out.Data);
            return _out;
        }
        public override Tensor Backward(Tensor gradOutput) => gradOutput;
    }

    /// <summary>The shortcut convolution run on its input, kept for <see cref="AddInLastPass"/>; passes the input on.</summary>
    private sealed class ShortcutFirst(Conv2d conv) : Layer
    {
        public Conv2d Conv => conv;
        public Tensor? Output;
        public override Tensor Forward(Tensor input)
        {
            Output = conv.Forward(input);
            return input;
        }
        public override Tensor Backward(Tensor gradOutput) => gradOutput;
    }

    /// <summary>A main branch's last step with the shortcut added in its output pass (or after it, as the network does).</summary>
    private sealed class AddInLastPass(Layer last, ShortcutFirst shortcut) : Layer
    {
        private Tensor? _out;
        public Layer Last => last;
        public override Tensor Forward(Tensor input)
        {
            var y = InferenceFusion.Forward(last is Sequential s ? s.Layers : [last], input, shortcut.Output, out bool added);
            if (added) return y;
            _out ??= new Tensor(y.Shape.ToArray());
            System.Numerics.Tensors.TensorPrimitives.Add(y.Data, shortcut.Output!.Data, _out.Data);
            return _out;
        }
        public override Tensor Backward(Tensor gradOutput) => gradOutput;
    }

    private static string Describe(Layer layer) => layer switch
    {
        Sequential s when s.Name.Length == 0 => string.Join(" + ", s.Layers.Select(l => l.GetType().Name)),
        ShortcutFirst f => $"shortcut {f.Conv.GetType().Name} (its input hot)",
        AddInLastPass a => $"{Describe(a.Last)} + shortcut add",
        _ => layer.GetType().Name,
    };

    private static double Median(List<double> v)
    {
        v.Sort();
        return v.Count == 0 ? 0 : v[v.Count / 2];
    }
}
