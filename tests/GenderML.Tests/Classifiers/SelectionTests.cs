using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Training;

namespace GenderML.Tests.Classifiers;

public sealed class SelectionTests : IDisposable
{
    private readonly SyntheticFaces _faces = new(perClass: 16);

    public void Dispose() => _faces.Dispose();

    private Dataset Load() => Dataset.Load(_faces.Root, GenderLabels.Options);

    private TrainingOptions Options => new()
    {
        Epochs = 2, BatchSize = 8, Seed = 5, Threads = 2, CacheFolder = _faces.Cache, Augmentation = AugmentationOptions.None, EarlyStoppingPatience = 0,
    };

    [Fact]
    public void Fit_WithAHeldOutPart_LeavesOneCacheOfTheWholeSet_ThatTheNextRunHits()
    {
        var train = Load().Subset(SplitNames.Train);
        var recipe = new NeuralNetworkRecipe(NetworkPreset.Dense) { Preprocessing = new PreprocessOptions { Size = 12 }, HiddenUnits = 4 };
        var result = Trainer.Fit(recipe, train, null, Options with { Epochs = 1, ValidationFraction = 0.25 });
        Assert.Equal(8, result.Validation!.N);
        Assert.Equal(24, result.Classifier.Info.Training!.TrainCount);
        using var cache = PixelCache.Open(train, recipe.Preprocessing, new PixelCacheOptions { Folder = _faces.Cache, Threads = 1 });
        Assert.True(cache.Stats.Hit, $"{cache.Stats}");
    }

    [Fact]
    public void Grid_IsEveryCombination_FirstNameSlowest()
    {
        var grid = TuningSpace.Grid(TuningSpace.Parse("lr=0.1,0.2; epochs=1,2,3"));
        Assert.Equal(6, grid.Count);
        Assert.Equal("lr=0.1, epochs=1", grid[0].ToString());
        Assert.Equal("lr=0.2, epochs=3", grid[5].ToString());
        var random = TuningSpace.Random(TuningSpace.Parse("lr=0.1,0.2; epochs=1,2,3"), 4, seed: 9);
        Assert.Equal(4, random.Select(s => s.ToString()).Distinct().Count());
        Assert.Equal(random.Select(s => s.ToString()), TuningSpace.Random(TuningSpace.Parse("lr=0.1,0.2; epochs=1,2,3"), 4, seed: 9).Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("c")]
    [InlineData("c=")]
    [InlineData("c=-1")]
    [InlineData("gamma=1")]
    [InlineData("")]
    public void Parse_RejectsBadGrids(string text) => Assert.Throws<FormatException>(() => TuningSpace.Parse(text));

    [Fact]
    public void Apply_PutsValuesWhereTheyBelong_AndRejectsForeignNames()
    {
        var settings = TuningSpace.Grid(TuningSpace.Parse("lr=0.01; epochs=3; hidden=7; batch=5"));
        var (recipe, options) = settings[0].Apply(new NeuralNetworkRecipe(NetworkPreset.Dense), new TrainingOptions());
        Assert.Equal(7, ((NeuralNetworkRecipe)recipe).HiddenUnits);
        Assert.Equal((0.01, 3, 5), (options.LearningRate, options.Epochs, options.BatchSize));
        Assert.Throws<ArgumentException>(() => settings[0].Apply(new LogisticRegressionRecipe(), new TrainingOptions()));
    }

    [Fact]
    public void Folds_AreStratifiedAndDeterministic()
    {
        int[] labels = [.. Enumerable.Range(0, 23).Select(i => i < 9 ? 0 : 1)];
        var source = new ArraySampleSource(new byte[23], labels, 1);
        int[] folds = Tuner.Folds(source, 3, seed: 4);
        Assert.Equal(folds, Tuner.Folds(source, 3, seed: 4));
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(3, Enumerable.Range(0, 23).Count(i => folds[i] == k && labels[i] == 0));
            Assert.InRange(Enumerable.Range(0, 23).Count(i => folds[i] == k && labels[i] == 1), 4, 5);
        }
        Assert.Throws<ArgumentException>(() => Tuner.Folds(source, 10, 1));
    }

    [Fact]
    public void Search_ScoresEachSettingOnEveryFold_AndIsRepeatable()
    {
        var train = Load().Subset(SplitNames.Train);
        var recipe = new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 12 } };
        var settings = TuningSpace.Grid(TuningSpace.Parse("c=0.001,1"));
        var a = Tuner.Search(recipe, train, settings, 4, Options);
        var b = Tuner.Search(recipe, train, settings, 4, Options);
        Assert.Equal(2, a.Count);
        Assert.All(a, r => Assert.Equal(4, r.FoldAccuracies.Count));
        Assert.Equal(a.Select(r => r.FoldAccuracies), b.Select(r => r.FoldAccuracies));
        Assert.True(Tuner.Best(a).Mean >= a.Max(r => r.Mean));
        Assert.True(Tuner.Best(a).Mean > 0.6, $"{Tuner.Best(a).Mean}");
    }

    [Fact]
    public void TuningResult_MeanAndSampleSd()
    {
        var r = new TuningResult(new TuningSetting(new Dictionary<string, double>()), [0.5, 0.7, 0.9]);
        Assert.Equal(0.7, r.Mean, 12);
        Assert.Equal(0.2, r.StandardDeviation, 12);
    }

    [Fact]
    public void Compare_RowsInRecipeOrder_WithSizesAndTimes()
    {
        var d = Load();
        var recipes = new ClassifierRecipe[]
        {
            new LogisticRegressionRecipe { Preprocessing = new PreprocessOptions { Size = 12 } },
            new NeuralNetworkRecipe(NetworkPreset.Dense) { Preprocessing = new PreprocessOptions { Size = 12 }, HiddenUnits = 8 },
        };
        var rows = Comparison.Run(recipes, d.Subset(SplitNames.Train), d.Subset(SplitNames.Test), _ => Options);
        Assert.Equal(["logreg", "dense"], rows.Select(r => r.Kind));
        Assert.All(rows, r =>
        {
            Assert.Equal(16, r.Report.N);
            Assert.True(r.ModelKilobytes > 0 && r.TrainingSeconds > 0 && r.InferenceMsPerImage >= 0);
            Assert.Equal(r.Report.Classification.MacroAverage.F1, r.MacroF1);
        });
    }

    [Fact]
    public void CurvesPng_IsAPngOfTheStatedSize_WithInkOnIt()
    {
        var curves = new TrainingCurves();
        curves.Add(new EpochMetrics(1, 0.7, 0.5, 0.69, 0.55));
        curves.Add(new EpochMetrics(2, 0.4, 0.8, 0.45, 0.75));
        var image = Imaging.Image.Load(curves.ToPng());
        Assert.Equal((960, 360), (image.Width, image.Height));
        Assert.Contains(image.Pixels, b => b < 128);
    }

    [Fact]
    public void Raster_TextAndLinesLandWhereAsked()
    {
        var r = new Raster(20, 10);
        r.Line(0, 0, 19, 0, 0xFF0000);
        Assert.Equal(0xFF0000u, r.Get(0, 0));
        Assert.Equal(0xFF0000u, r.Get(19, 0));
        r.Text(1, 2, "1");
        Assert.Equal(0u, r.Get(1 + 2, 2));             // the top of the 1's stem
        Assert.Equal(0xFFFFFFu, r.Get(1, 2));
        Assert.Equal(BitmapFont.Glyph('?'), BitmapFont.Glyph('~'));
        Assert.Equal(BitmapFont.Glyph('A'), BitmapFont.Glyph('a'));
    }
}
