using System.Text.RegularExpressions;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Tests.Classifiers;
using GenderML.Tests.FaceApi;
using GenderML.Tests.Transfer;
using GenderML.Training;

namespace GenderML.Tests.Evaluation;

/// <summary>The stress tests of an evaluation (<see cref="ModelEvaluationOptions.Stress"/>) and the derived age groups.</summary>
public sealed class StressTests : IDisposable
{
    private readonly SyntheticFaces _faces = new(perClass: 12);

    public void Dispose() => _faces.Dispose();

    private static Image Gradient(int w, int h) =>
        new(w, h, PixelFormat.Rgb24, [.. Enumerable.Range(0, w * h * 3).Select(i => (byte)(i * 37 % 251))]);

    [Fact]
    public void Gray_PutsTheLumaInEveryChannel()
    {
        var gray = Stressing.Apply(Gradient(9, 7), ImageStress.Gray);
        Assert.Equal(PixelFormat.Rgb24, gray.Format);
        var luma = Gradient(9, 7).ToGray().Pixels;
        for (int i = 0; i < luma.Length; i++)
            Assert.Equal([luma[i], luma[i], luma[i]], gray.Pixels.AsSpan(3 * i, 3).ToArray());
    }

    [Fact]
    public void Dark_HalvesTheExposure_AndCrushesTheShadows()
    {
        var image = new Image(4, 1, PixelFormat.Gray8, [0, 64, 128, 255]);
        var dark = Stressing.Apply(image, ImageStress.Dark);
        Assert.Equal([0, 16, 45, 128], dark.Pixels);
    }

    [Fact]
    public void Blur_KeepsAFlatImage_AndSmoothsAnEdge_Symmetrically()
    {
        var flat = new Image(11, 5, PixelFormat.Gray8, Enumerable.Repeat((byte)90, 55).ToArray());
        Assert.Equal(flat.Pixels, Stressing.Blur(flat, 1.5).Pixels);
        var edge = new Image(12, 1, PixelFormat.Gray8, [.. Enumerable.Range(0, 12).Select(x => (byte)(x < 6 ? 0 : 200))]);
        var blurred = Stressing.Blur(edge, 1.5).Pixels;
        Assert.True(blurred[5] > 0 && blurred[6] < 200);
        Assert.Equal(200, blurred[5] + blurred[6], 1.0);
        for (int x = 1; x < 12; x++) Assert.True(blurred[x] >= blurred[x - 1]);
    }

    [Fact]
    public void Jpeg15_ChangesThePixels_ButNotTheSize()
    {
        var image = Gradient(40, 30);
        var jpeg = Stressing.Apply(image, ImageStress.Jpeg15);
        Assert.Equal((40, 30, PixelFormat.Rgb24), (jpeg.Width, jpeg.Height, jpeg.Format));
        Assert.NotEqual(image.Pixels, jpeg.Pixels);
        Assert.Equal(jpeg.Pixels, Stressing.Apply(image, ImageStress.Jpeg15).Pixels);
    }

    [Fact]
    public void Distortion_KeysEachConditionApart()
    {
        Assert.Null(InputDistortion.Of(new ModelEvaluationOptions { Reframe = 1 }));
        Assert.Equal("-reframe0.7", InputDistortion.Of(new ModelEvaluationOptions { Reframe = 0.7 })!.Key);
        Assert.Equal("-stress-jpeg15", InputDistortion.Of(new ModelEvaluationOptions { Stress = ImageStress.Jpeg15 })!.Key);
        Assert.Equal("-reframe0.5-stress-blur", InputDistortion.Of(new ModelEvaluationOptions { Reframe = 0.5, Stress = ImageStress.Blur })!.Key);
    }

    [Theory]
    [InlineData(ImageStress.Gray)]
    [InlineData(ImageStress.Dark)]
    [InlineData(ImageStress.Jpeg15)]
    [InlineData(ImageStress.Blur)]
    public void StressedEvaluation_IsDeterministic_AndTheSameThroughPredict(ImageStress stress)
    {
        var data = Dataset.Load(_faces.Root, GenderLabels.Options);
        var model = Trainer.Fit(new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 12 } }, data.Subset(SplitNames.Train), null,
            new TrainingOptions { Seed = 1, Threads = 1, CacheFolder = _faces.Cache, ValidationFraction = 0 }).Classifier;
        var test = data.Subset(SplitNames.Test);
        var options = new ModelEvaluationOptions { CacheFolder = _faces.Cache, Threads = 2, Stress = stress };
        var first = Evaluator.Evaluate(model, test, options);
        Assert.Equal(test.Items.Count, first.N);
        Assert.Equal(first.Predictions, Evaluator.Evaluate(model, test, options).Predictions);

        var images = test.Items.Select(i => Stressing.Apply(Image.Load(i.Path), stress)).ToList();
        var direct = model.Predict(images);
        for (int i = 0; i < images.Count; i++) Assert.Equal(direct[i].ProbabilityMale, first.Predictions[i].PMale, 6);
    }

    [Fact]
    public void EstimatedAgeGroups_CrossTheAgeBandWithTheLabel()
    {
        using var fixture = new TransferFixture();
        var pretrained = PretrainedGenderClassifier.Load(FaceApiFixture.ModelsFolder, threads: 2);
        var report = Evaluator.Evaluate(pretrained, fixture.Dataset,
            new ModelEvaluationOptions { CacheFolder = fixture.Cache, Threads = 2, GroupBy = ModelEvaluationOptions.EstimatedAge, Stress = ImageStress.Gray });
        var ages = report.Groups.Single(b => b.Facet == ModelEvaluationOptions.EstimatedAge).Groups;
        Assert.Equal(fixture.Files.Length, ages.Sum(g => g.Count));
        foreach (var g in ages)
        {
            Assert.Matches(new Regex("^(women|men) (under 20|20-39|40-59|60\\+)$"), g.Group);
            Assert.Equal(g.Group.StartsWith("men", StringComparison.Ordinal) ? g.Count : 0, g.Male);
        }
    }

    [Fact]
    public void GroupsOf_EstimatedAge_FollowsTheDatasOwnFacets_OtherKeysAsBefore()
    {
        using var fixture = new TransferFixture();
        var items = fixture.Dataset.Items.Select((item, i) => item with
        {
            Groups = new Dictionary<string, string> { ["glasses"] = i % 2 == 0 ? "yes" : "no" },
        }).ToList();
        var options = new ModelEvaluationOptions
        {
            CacheFolder = fixture.Cache, Threads = 2, GroupBy = ModelEvaluationOptions.EstimatedAge,
        };
        var facets = Evaluator.GroupsOf(items, options, CancellationToken.None)!;
        Assert.Equal(["glasses", ModelEvaluationOptions.EstimatedAge], facets.Select(f => f.Facet));
        Assert.Equal(EstimatedAgeGroups.Of(items, options, CancellationToken.None), facets[1].Keys);

        var plain = Evaluator.GroupsOf(items, options with { GroupBy = null }, CancellationToken.None)!;
        Assert.Equal(Evaluator.GroupsOf(items, null)!.Select(f => f.Facet), plain.Select(f => f.Facet));
        Assert.Equal(["glasses"], plain.Select(f => f.Facet));
    }

    [Fact]
    public void Cli_UnknownStress_IsAUsageError()
    {
        var (code, _, err) = GenderML.Tests.Cli.CliRunner.Run("evaluate", "--model", "pretrained", "--data", _faces.Root, "--stress", "gray,fog");
        Assert.Equal(2, code);
        Assert.Contains("--stress: 'fog'", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10f, "under 20")]
    [InlineData(20f, "20-39")]
    [InlineData(59.9f, "40-59")]
    [InlineData(60f, "60+")]
    [InlineData(float.NaN, "unknown")]
    public void AgeBands_HaveTheirLowerBoundIn(float age, string band) => Assert.Equal(band, EstimatedAgeGroups.Band(age));
}
