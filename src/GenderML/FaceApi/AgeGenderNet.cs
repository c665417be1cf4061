using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Imaging;

namespace GenderML.FaceApi;

/// <summary>
/// face-api's age/gender net (<c>age_gender_model</c>): TinyXception on a 112×112 centred-padded RGB
/// crop, a 7×7 average pool to 512 features, then <c>age = f·W_age + b_age</c> and
/// <c>[p_male, p_female] = softmax(f·W_gender + b_gender)</c>. Inference only; calls are thread-safe and run one
/// batch at a time.
/// </summary>
internal sealed class AgeGenderNet
{
    /// <summary>The input side in pixels.</summary>
    public const int InputSize = 112;

    /// <summary>Length of the pooled feature vector.</summary>
    public const int FeatureLength = 512;

    private readonly FaceModelOptions _options;
    private readonly TinyXception _backbone;
    private readonly GlobalAvgPool _mean = new();
    private readonly Dense _age, _gender;
    private readonly Lock _gate = new();

    private AgeGenderNet(FaceModelOptions options, WeightMap w)
    {
        _options = options;
        _backbone = new TinyXception(w, options.Compute);
        _age = TfjsLayers.Frozen(TfjsLayers.Dense(w, "fc/age/weights", "fc/age/bias", FeatureLength, 1),
            options.Compute);
        _gender = TfjsLayers.Frozen(TfjsLayers.Dense(w, "fc/gender/weights", "fc/gender/bias", FeatureLength, 2),
            options.Compute);
    }

    /// <summary>The backbone and the two dense outputs (age; gender logits [male, female]).</summary>
    internal (TinyXception Backbone, Dense Age, Dense Gender) Parts => (_backbone, _age, _gender);

    /// <summary>Loads <c>age_gender_model</c> from <paramref name="options"/>' folder (sha256-checked).</summary>
    /// <exception cref="FileNotFoundException">A weights folder was given and lacks a weight file.</exception>
    /// <exception cref="InvalidDataException">A weight file is altered.</exception>
    public static AgeGenderNet Load(FaceModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new AgeGenderNet(options, TfjsWeights.Load(options.ModelsFolder, "age_gender_model"));
    }

    /// <summary>Loads <c>age_gender_model</c> from <paramref name="modelsFolder"/> with default options.</summary>
    public static AgeGenderNet Load(string modelsFolder) => Load(new FaceModelOptions(modelsFolder));

    /// <summary>Age and P(male) of each face crop (the whole image is taken as the face).</summary>
    public IReadOnlyList<AgeGenderEstimate> Predict(IReadOnlyList<Image> faces)
    {
        var result = new AgeGenderEstimate[faces.Count];
        Run(faces, (i, estimate, _) => result[i] = estimate);
        return result;
    }

    /// <summary>Age and P(male) of one face crop.</summary>
    public AgeGenderEstimate Predict(Image face) => Predict([face])[0];

    /// <summary>The 512 pooled backbone features of each face crop: the 7×7 mean of the last ReLU feature map.</summary>
    public IReadOnlyList<float[]> ExtractFeatures(IReadOnlyList<Image> faces)
    {
        var result = new float[faces.Count][];
        Run(faces, (i, _, features) => result[i] = features.ToArray());
        return result;
    }

    /// <summary>Runs the net and reports each image's estimate and pooled features.</summary>
    internal void Run(IReadOnlyList<Image> faces, Action<int, AgeGenderEstimate, ReadOnlySpan<float>> report,
        Action<string, Tensor>? tap = null)
    {
        ArgumentNullException.ThrowIfNull(faces);
        lock (_gate)
            _options.ForEachBatch(faces, (batch, start) =>
            {
                var x = FaceInput.ToBatch(batch, InputSize, true, InputNormalization.FaceMeans, _options.Threads);
                tap?.Invoke("normalized", x);
                Tensor pooled = _mean.Forward(_backbone.Forward(x, tap));
                float[] age = _age.Forward(pooled).Data, logits = _gender.Forward(pooled).Data;
                for (int n = 0; n < batch.Count; n++)
                {
                    float l0 = logits[2 * n], l1 = logits[2 * n + 1], m = MathF.Max(l0, l1);
                    double e0 = Math.Exp(l0 - m), e1 = Math.Exp(l1 - m);
                    report(start + n, new AgeGenderEstimate(age[n], (float)(e0 / (e0 + e1))),
                        pooled.Data.AsSpan(n * FeatureLength, FeatureLength));
                }
            });
    }
}
