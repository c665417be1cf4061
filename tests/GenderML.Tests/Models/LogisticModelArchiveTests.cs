using GenderML.Core;
using GenderML.Linear;
using GenderML.Models;

namespace GenderML.Tests.Models;

/// <summary>A fitted logistic model through weights.safetensors in a model .zip and back predicts the same bits.</summary>
public sealed class LogisticModelArchiveTests
{
    [Fact]
    public void Predictions_after_load_equal_those_before_save_bit_for_bit()
    {
        var rng = new Random(11);
        int n = 120, d = 37;
        var x = Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, n).Select(i => x[i * d] + x[i * d + 1] > 1 ? 1 : 0).ToArray();
        var model = LogisticRegression.Fit(x, n, d, y, new() { C = 0.5 });

        string dir = Directory.CreateTempSubdirectory("genderml-logreg-").FullName;
        try
        {
            string path = Path.Combine(dir, "logreg.zip");
            var tensors = new Dictionary<string, Tensor>
            {
                ["weight"] = new Tensor([d], model.Weights.ToArray()),
                ["bias"] = new Tensor([1], [(float)model.Intercept]),
            };
            // The intercept is kept as a double; store its exact bits beside the float tensor.
            var bias64 = BitConverter.GetBytes(model.Intercept);
            ModelArchive.Save(path, ModelArchiveTests.Manifest(), new Dictionary<string, byte[]>
            {
                ["weights.safetensors"] = SafeTensors.Write(tensors),
                ["intercept.f64"] = bias64,
            });
            var loaded = ModelArchive.Load(path);
            var back = SafeTensors.Read(loaded.Entries["weights.safetensors"], path + "!weights.safetensors");
            var w = SafeTensors.Require(back, "weight", [d], path);
            var restored = new LogisticModel(w.Data, BitConverter.ToDouble(loaded.Entries["intercept.f64"]));
            Assert.Equal(model.PredictProbabilities(x), restored.PredictProbabilities(x));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
