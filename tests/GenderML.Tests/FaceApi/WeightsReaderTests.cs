using System.Text.Json;
using GenderML.FaceApi;

namespace GenderML.Tests.FaceApi;

public sealed class WeightsReaderTests
{
    public static TheoryData<string> Models => new() { "age_gender_model", "face_recognition_model", "ssd_mobilenetv1_model", "tiny_face_detector_model" };

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryTensorMatchesTheGoldenChecksums(string model)
    {
        WeightMap map = TfjsWeights.Load(FaceApiFixture.ModelsFolder, model);
        JsonElement expected = FaceApiFixture.Checksums.GetProperty(model).GetProperty("tensors");
        Assert.Equal(expected.GetArrayLength(), map.Tensors.Count);
        int i = 0;
        foreach (JsonElement e in expected.EnumerateArray())
        {
            WeightTensor t = map.Tensors[i++];
            Assert.Equal(e.GetProperty("name").GetString(), t.Name);
            Assert.Equal(e.GetProperty("shape").EnumerateArray().Select(s => s.GetInt32()), t.Shape);
            Assert.Equal(e.GetProperty("quantized").GetBoolean(), t.Quantized);
            Assert.Equal(e.GetProperty("dtype").GetString() == "int32", t.Ints is not null);
            double sum = 0;
            for (int k = 0; k < t.Length; k++) sum += t.Floats is null ? t.Ints![k] : t.Floats[k];
            double want = e.GetProperty("sum").GetDouble();
            Assert.True(Math.Abs(sum - want) <= 1e-6 * Math.Max(1, Math.Abs(want)), $"{t.Name}: sum {sum} vs {want}");
            int j = 0;
            foreach (JsonElement f in e.GetProperty("first4").EnumerateArray())
            {
                double got = t.Floats is null ? t.Ints![j] : t.Floats[j];
                Assert.True(f.GetDouble() == got, $"{t.Name}[{j}]: {got} vs {f.GetDouble()}");
                j++;
            }
        }
    }

    [Fact]
    public void MissingFolderSaysHowToFetch()
    {
        string folder = Path.Combine(Path.GetTempPath(), "genderml-no-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var ex = Assert.Throws<FileNotFoundException>(() => TfjsWeights.Load(folder, "age_gender_model"));
            Assert.Contains("age_gender_model-weights_manifest.json", ex.Message);
            Assert.Contains("scripts/fetch-models.sh", ex.Message);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void AlteredFileIsRejectedByName()
    {
        string folder = Path.Combine(Path.GetTempPath(), "genderml-bad-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            foreach (string f in new[] { "tiny_face_detector_model-weights_manifest.json", "tiny_face_detector_model.bin" })
                File.Copy(Path.Combine(FaceApiFixture.ModelsFolder, f), Path.Combine(folder, f));
            string bin = Path.Combine(folder, "tiny_face_detector_model.bin");
            byte[] bytes = File.ReadAllBytes(bin);
            bytes[1000] ^= 1;
            File.WriteAllBytes(bin, bytes);
            var ex = Assert.Throws<InvalidDataException>(() => TfjsWeights.Load(folder, "tiny_face_detector_model"));
            Assert.Contains("tiny_face_detector_model.bin", ex.Message);
            Assert.Contains("scripts/fetch-models.sh", ex.Message);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void HwioFiltersBecomeOihw()
    {
        var t = new WeightTensor("f", [1, 2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], null, false);
        var map = new WeightMap("m", [t]);
        float[] oihw = map.ConvFilterOihw("f", 1, 2, 2, 3);
        // HWIO index ((y*kw + x)*cin + i)*cout + o; OIHW index ((o*cin + i)*kh + y)*kw + x
        Assert.Equal(new float[] { 0, 6, 3, 9, 1, 7, 4, 10, 2, 8, 5, 11 }, oihw);
    }
}
