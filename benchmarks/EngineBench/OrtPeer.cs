using Microsoft.ML.OnnxRuntime;

/// <summary>
/// ONNX Runtime with its best CPU settings for a fixed batch: all graph optimisations, the batch axis fixed
/// (<c>AddFreeDimensionOverrideByName</c>, so shapes are static and padding folds), intra-op threads set, one inter-op
/// thread, sequential execution; input and output buffers allocated once.
/// </summary>
internal sealed class OrtPeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtValue _input;
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _outputs;

    public OrtPeer(byte[] model, int threads, int batch, float[] input, long[] shape, bool spinning, string? profilePrefix = null)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        options.AddFreeDimensionOverrideByName("batch", batch);
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
        if (profilePrefix is not null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = profilePrefix;
        }
        _session = new InferenceSession(model, options);
        _input = OrtValue.CreateTensorValueFromMemory(input, shape);
        _inputNames = [.. _session.InputMetadata.Keys];
        _outputNames = [.. _session.OutputMetadata.Keys];
        _outputs = new OrtValue[_outputNames.Length];
        for (int i = 0; i < _outputs.Length; i++)
        {
            long[] dims = [.. _session.OutputMetadata[_outputNames[i]].Dimensions.Select(d => d < 0 ? (long)batch : d)];
            _outputs[i] = OrtValue.CreateTensorValueFromMemory(new float[dims.Aggregate(1L, (a, b) => a * b)], dims);
        }
    }

    public void Run() => _session.Run(_run, _inputNames, [_input], _outputNames, _outputs);

    /// <summary>Output <paramref name="i"/>'s values.</summary>
    public ReadOnlySpan<float> Output(int i) => _outputs[i].GetTensorDataAsSpan<float>();

    /// <summary>Ends profiling; the path of the JSON trace.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
        _input.Dispose();
        foreach (var o in _outputs) o.Dispose();
    }
}
