using GenderML.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace GenderML.MLNet.Tests;

public sealed class TransformTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Data => Ml.Data.LoadFromEnumerable(TestImages.Files);

    [Fact]
    public void A_column_that_holds_no_image_is_named_in_the_error()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new { Path = 1f, Label = true } }.Select(r => new NumberRow { Path = r.Path }));
        var estimator = Ml.Transforms.FaceEmbedding(inputColumnName: "Path");
        var fit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains("'Path' is Single", fit.Message);
        Assert.Contains("MLImage", fit.Message);
        var shape = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Shape<NumberRow>()));
        Assert.Contains("'Path'", shape.Message);
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.FaceEmbedding(inputColumnName: "Photo").Fit(data));
        Assert.Contains("'Photo' not found", missing.Message);
    }

    [Fact]
    public void The_output_schema_names_the_outputs_and_hides_the_inner_columns()
    {
        var shape = Ml.Transforms.LoadImages("Image", null, "Path").Append(Ml.Transforms.FaceEmbedding("Embedding"))
            .GetOutputSchema(Shape<ImageFile>());
        var embedding = Assert.Single(shape, c => c.Name == "Embedding");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, embedding.Kind);
        Assert.DoesNotContain(shape, c => c.Name.StartsWith("GenderML.", StringComparison.Ordinal));
        var scored = Ml.Transforms.PredictGender(TestImages.Model("logreg.zip"), "Path").Fit(Data).Transform(Data);
        Assert.Equal(["Path", "Label", "PredictedLabel", "Score", "Probability"], scored.Schema.Select(c => c.Name));
    }

    [Theory]
    [InlineData("logreg.zip")]
    [InlineData("transfer.zip")]
    public void PredictGender_gives_the_P_male_of_GenderClassifier(string model)
    {
        var classifier = GenderClassifier.Load(TestImages.Model(model));
        float[] expected = [.. TestImages.Files.Select(f => classifier.Predict(f.Path).ProbabilityMale)];
        var fromPaths = Ml.Transforms.PredictGender(TestImages.Model(model), "Path").Fit(Data).Transform(Data);
        Assert.Equal(expected, fromPaths.GetColumn<float>("Probability"));
        Assert.Equal(expected.Select(p => p >= 0.5f), fromPaths.GetColumn<bool>("PredictedLabel"));
        // Raw bytes decode through GenderML too; MLImage is SkiaSharp's full-size decode of the same file, which a pixel
        // model then shrinks (GenderML decodes JPEGs straight at the smaller size), so close, not equal.
        var bytes = Ml.Transforms.LoadRawImageBytes("Bytes", null, "Path").Append(Ml.Transforms.PredictGender(TestImages.Model(model), "Bytes"));
        Assert.Equal(expected, bytes.Fit(Data).Transform(Data).GetColumn<float>("Probability"));
        var images = Ml.Transforms.LoadImages("Image", null, "Path").Append(Ml.Transforms.PredictGender(TestImages.Model(model)));
        var fromImages = images.Fit(Data).Transform(Data).GetColumn<float>("Probability").ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.InRange(fromImages[i], expected[i] - 0.1f, expected[i] + 0.1f);
    }

    [Fact]
    public void BinaryClassification_Evaluate_reads_the_PredictGender_columns()
    {
        var scored = Ml.Transforms.PredictGender(TestImages.Model("transfer.zip"), "Path").Fit(Data).Transform(Data);
        var metrics = Ml.BinaryClassification.Evaluate(scored);
        var classifier = GenderClassifier.Load(TestImages.Model("transfer.zip"));
        double accuracy = TestImages.Files.Average(f => (classifier.Predict(f.Path).ProbabilityMale >= 0.5f) == f.Label ? 1.0 : 0.0);
        Assert.Equal(accuracy, metrics.Accuracy, 1e-9);
    }

    [Fact]
    public void A_pipeline_saves_and_loads_in_a_fresh_context_with_the_same_outputs()
    {
        var pipeline = Ml.Transforms.LoadImages("Image", null, "Path")
            .Append(Ml.Transforms.FaceEmbedding())
            .Append(Ml.Transforms.DetectFaces())
            .Append(Ml.Transforms.CropFaces())
            .Append(Ml.Transforms.PredictGender(TestImages.Model("logreg.zip"), "Path"));
        var model = pipeline.Fit(Data);
        var before = model.Transform(Data);
        string path = Path.Combine(Path.GetTempPath(), $"genderml-mlnet-{Guid.NewGuid():N}.zip");
        try
        {
            Ml.Model.Save(model, Data.Schema, path);
            var fresh = new MLContext(seed: 2);
            var loaded = fresh.Model.Load(path, out var schema);
            Assert.Equal(Data.Schema.Select(c => c.Name), schema.Select(c => c.Name));
            var after = loaded.Transform(fresh.Data.LoadFromEnumerable(TestImages.Files));
            Assert.Equal(before.GetColumn<float[]>("Features").SelectMany(f => f), after.GetColumn<float[]>("Features").SelectMany(f => f));
            Assert.Equal(before.GetColumn<float>("Probability"), after.GetColumn<float>("Probability"));
            var faces = after.GetColumn<float[]>("Faces").ToArray();
            // SSD misses some of these tight crops; it finds the faces of the others.
            Assert.All(faces, f => Assert.Equal(0, f.Length % 5));
            Assert.Contains(faces, f => f.Length >= 5);
            Assert.All(after.GetColumn<MLImage>("Face"), crop => Assert.True(crop.Width > 0 && crop.Height > 0));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FaceEmbedding_gives_the_features_of_the_transfer_model_and_a_prediction_engine_reads_them()
    {
        var model = Ml.Transforms.FaceEmbedding("Features", "Path").Fit(Data);
        var engine = Ml.Model.CreatePredictionEngine<ImageFile, EmbeddingRow>(model);
        var first = TestImages.Files[0];
        var features = engine.Predict(first).Features;
        Assert.Equal(FaceEmbeddingOptions.Length, features.Length);
        Assert.Equal(model.Transform(Data).GetColumn<float[]>("Features").First(), features);
        Assert.Contains(features, v => v != 0);
    }

    [Fact]
    public void A_zip_that_is_not_a_GenderML_model_is_refused_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"not-genderml-{Guid.NewGuid():N}.zip");
        try
        {
            // An ML.NET model: a zip, but not GenderML's.
            Ml.Model.Save(Ml.Transforms.CopyColumns("P", "Path").Fit(Data), Data.Schema, path);
            var e = Assert.Throws<ModelFormatException>(() => Ml.Transforms.PredictGender(path, "Path"));
            Assert.StartsWith(path, e.Message);
            Assert.Contains("manifest.json", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Throws<FileNotFoundException>(() => Ml.Transforms.PredictGender(path, "Path"));
    }

    /// <summary>The schema shape of <typeparamref name="T"/>'s columns (ML.NET makes shapes only through estimators).</summary>
    private static SchemaShape Shape<T>() where T : class, new() =>
        Ml.Transforms.CustomMapping<NoColumns, T>((_, _) => { }, null).GetOutputSchema(new SchemaShape([]));

    public sealed class NumberRow
    {
        public float Path { get; set; }
    }

    public sealed class EmbeddingRow
    {
        public float[] Features { get; set; } = [];
    }
}
