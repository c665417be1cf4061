using GenderML.Data;
using GenderML.Models;
using Microsoft.ML;

namespace GenderML.MLNet.Tests;

public sealed class RecipeTests
{
    [Theory]
    [InlineData(MLNetFeatures.Pixels)]
    [InlineData(MLNetFeatures.FaceEmbedding)]
    public void An_MLNet_trainer_trains_saves_and_loads_through_the_GenderML_front_doors(MLNetFeatures features)
    {
        string root = TestImages.Dataset();
        string path = Path.Combine(root, "model.zip");
        try
        {
            var recipe = new MLNetRecipe(features, 
                ml => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l1Regularization: 0, l2Regularization: 1e-3f),
                "LbfgsLogisticRegression")
            {
                Training = new Training.TrainingOptions { ValidationFraction = 0, Seed = 1 },
            };
            var data = Dataset.Load(root, GenderLabels.Options);
            var result = Trainer.Fit(recipe, data);
            Assert.Equal("mlnet", result.Classifier.Info.Kind);
            Assert.Empty(result.Skipped);
            var report = Evaluation.Evaluator.Evaluate(result.Classifier, data);
            Assert.Equal(10, report.N);
            Assert.True(report.Accuracy >= 0.9, $"training accuracy {report.Accuracy}");
            result.Classifier.Save(path);

            var loaded = GenderClassifier.Load(path, kinds: [MLNetModels.Kind]);
            Assert.Equal(result.Classifier.Info.Architecture, loaded.Info.Architecture);
            Assert.Equal(data.Items.Select(i => result.Classifier.Predict(i.Path).ProbabilityMale),
                data.Items.Select(i => loaded.Predict(i.Path).ProbabilityMale));
            var unknown = Assert.Throws<ModelFormatException>(() => GenderClassifier.Load(path));
            Assert.Contains("unknown model kind \"mlnet\"", unknown.Message);
            Assert.Contains("GenderClassifier.Load", unknown.Message);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void FastTree_as_the_trainer_gives_calibrated_probabilities()
    {
        string root = TestImages.Dataset();
        try
        {
            var recipe = new MLNetRecipe(MLNetFeatures.Pixels,
                ml => ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 2, numberOfTrees: 5, minimumExampleCountPerLeaf: 1), "FastTree")
            {
                Training = new Training.TrainingOptions { ValidationFraction = 0, Seed = 1 },
            };
            var classifier = Trainer.Fit(recipe, Dataset.Load(root, GenderLabels.Options)).Classifier;
            Assert.All(TestImages.Files, f => Assert.InRange(classifier.Predict(f.Path).ProbabilityMale, 0f, 1f));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void A_model_kind_cannot_take_the_name_of_a_GenderML_kind()
    {
        var e = Assert.Throws<ArgumentException>(() => new Impostor());
        Assert.Contains("'logreg' is one of GenderML's own", e.Message);
    }

    private sealed class Impostor() : ModelKind("logreg")
    {
        protected override IGenderClassifier Read(SavedModel model) => throw new NotSupportedException();
    }
}
