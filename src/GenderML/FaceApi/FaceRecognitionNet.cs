using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Imaging;

namespace GenderML.FaceApi;

/// <summary>
/// face-api's face recognition net (<c>face_recognition_model</c>, a port of dlib's
/// <c>dlib_face_recognition_resnet_model_v1</c>): a 29-conv ResNet on a 150×150 centred-padded RGB
/// crop, the spatial mean of its 2×2×256 output, then <c>d = mean · W[256,128]</c> (no bias).
/// The 128-d descriptor is <b>not</b> normalised; two faces are the same person when
/// ‖d₁ − d₂‖ &lt; 0.6. Inference only. Calls are thread-safe and run one batch at a time.
/// </summary>
internal sealed class FaceRecognitionNet
{
    /// <summary>The input side in pixels.</summary>
    public const int InputSize = 150;

    /// <summary>Length of a descriptor.</summary>
    public const int DescriptorLength = 128;

    private readonly FaceModelOptions _options;
    private readonly FaceResNet _resnet;
    private readonly GlobalAvgPool _mean = new();
    private readonly Dense _fc;
    private readonly Lock _gate = new();

    private FaceRecognitionNet(FaceModelOptions options, WeightMap w)
    {
        _options = options;
        _resnet = FaceResNet.Frozen(w, options.Compute);
        _fc = new Dense(FaceResNet.OutChannels, DescriptorLength, new Random(0), bias: false);
        float[] fc = w.Get("fc", FaceResNet.OutChannels, DescriptorLength).Floats!, weight = _fc.Weight.Value.Data;
        for (int i = 0; i < FaceResNet.OutChannels; i++)
        for (int j = 0; j < DescriptorLength; j++)
            weight[j * FaceResNet.OutChannels + i] = fc[i * DescriptorLength + j];
        if (options.Compute is { } compute) _fc.SetCompute(compute);
    }

    /// <summary>The ResNet (through the last block) and the 256→128 descriptor layer.</summary>
    internal (FaceResNet ResNet, Dense Descriptor) Parts => (_resnet, _fc);

    /// <summary>Loads <c>face_recognition_model</c> from <paramref name="options"/>' folder (sha256-checked).</summary>
    /// <exception cref="FileNotFoundException">A weights folder was given and lacks a weight file.</exception>
    /// <exception cref="InvalidDataException">A weight file is altered.</exception>
    public static FaceRecognitionNet Load(FaceModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new FaceRecognitionNet(options, TfjsWeights.Load(options.ModelsFolder, "face_recognition_model"));
    }

    /// <summary>Loads <c>face_recognition_model</c> from <paramref name="modelsFolder"/> with default options.</summary>
    public static FaceRecognitionNet Load(string modelsFolder) => Load(new FaceModelOptions(modelsFolder));

    /// <summary>The 128-d descriptor of each face crop (the whole image is taken as the face).</summary>
    public IReadOnlyList<float[]> ComputeDescriptors(IReadOnlyList<Image> faces)
    {
        var result = new float[faces.Count][];
        Run(faces, (i, d) => result[i] = d.ToArray());
        return result;
    }

    /// <summary>The 128-d descriptor of one face crop.</summary>
    public float[] ComputeDescriptor(Image face) => ComputeDescriptors([face])[0];

    /// <summary>Length of a <see cref="ComputeStageMeans"/> vector.</summary>
    public const int StageMeansLength = 640;

    /// <summary>Where each stage's channel means start in a <see cref="ComputeStageMeans"/> vector: the final map, conv256_2, conv128_2.</summary>
    private static readonly (string Tap, int Offset, int Channels)[] StageTaps = [("conv256_2", 256, 256), ("conv128_2", 512, 128)];

    private static readonly string[] StageNames = [.. StageTaps.Select(s => s.Tap)];

    /// <summary>
    /// The spatial mean of every channel of the last three stages for each face crop: the final 2×2×256 map (the
    /// descriptor's input, 256 floats), then <c>conv256_2</c> (256), then <c>conv128_2</c> (128).
    /// </summary>
    internal IReadOnlyList<float[]> ComputeStageMeans(IReadOnlyList<Image> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var result = new float[faces.Count][];
        lock (_gate)
            _options.ForEachBatch(faces, (batch, start) =>
            {
                for (int n = 0; n < batch.Count; n++) result[start + n] = new float[StageMeansLength];
                var x = FaceInput.ToBatch(batch, InputSize, true, InputNormalization.FaceMeans, _options.Threads);
                var final = _resnet.Forward(x, (name, t) =>
                {
                    foreach (var (tap, offset, channels) in StageTaps)
                        if (name == tap) Scatter(_mean.Forward(t).Data, channels, offset);
                }, StageNames);
                Scatter(_mean.Forward(final).Data, FaceResNet.OutChannels, 0);

                void Scatter(float[] means, int channels, int offset)
                {
                    for (int n = 0; n < batch.Count; n++)
                        means.AsSpan(n * channels, channels).CopyTo(result[start + n].AsSpan(offset));
                }
            });
        return result;
    }

    /// <summary>Euclidean distance between two descriptors (face-api's and dlib's metric).</summary>
    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("descriptors differ in length");
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)(a[i] - b[i]) * (a[i] - b[i]);
        return (float)Math.Sqrt(sum);
    }

    internal void Run(IReadOnlyList<Image> faces, Action<int, ReadOnlySpan<float>> report, Action<string, Tensor>? tap = null)
    {
        ArgumentNullException.ThrowIfNull(faces);
        lock (_gate)
            _options.ForEachBatch(faces, (batch, start) =>
            {
                var x = FaceInput.ToBatch(batch, InputSize, true, InputNormalization.FaceMeans, _options.Threads);
                tap?.Invoke("normalized", x);
                float[] d = _fc.Forward(_mean.Forward(_resnet.Forward(x, tap))).Data;
                for (int n = 0; n < batch.Count; n++)
                    report(start + n, d.AsSpan(n * DescriptorLength, DescriptorLength));
            });
    }
}
