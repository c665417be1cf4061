using GenderML.Data;

namespace GenderML.Web.Tests;

/// <summary>Real face images from ../shared/data beside the checkout, and a small labelled folder made of them.</summary>
internal static class TestData
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GenderML.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no GenderML.sln above {AppContext.BaseDirectory}");
        }
    }

    public static string Faces => Path.Combine(Root, "..", "shared", "data", "kaggle-gender");

    /// <summary>The first <paramref name="count"/> files (by name) of a split and class.</summary>
    public static string[] Files(string split, string label, int count) =>
        [.. Directory.GetFiles(Path.Combine(Faces, split, label)).Order(StringComparer.Ordinal).Take(count)];

    public static byte[] Face(string label = "female", int index = 0) => File.ReadAllBytes(Files("test", label, index + 1)[index]);

    /// <summary>
    /// A folder-per-class dataset of <paramref name="perClass"/> real faces per class in train and test, plus one file
    /// that is not an image (a bad file for the data study).
    /// </summary>
    public static string SmallDataset(int perClass)
    {
        string root = Path.Combine(Path.GetTempPath(), $"genderml-web-tests-{Environment.ProcessId}", "data");
        foreach (string split in new[] { "train", "test" })
            foreach (string label in new[] { "female", "male" })
            {
                string dir = Path.Combine(root, split, label);
                Directory.CreateDirectory(dir);
                foreach (string file in Files(split, label, perClass)) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)), true);
            }
        File.WriteAllText(Path.Combine(root, "test", "male", "notes.jpg"), "not an image");
        return root;
    }

    /// <summary>A logistic-regression model trained on <paramref name="data"/>'s train split, saved in <paramref name="folder"/>.</summary>
    public static string TrainLogreg(string data, string folder)
    {
        Directory.CreateDirectory(folder);
        var dataset = Dataset.Load(data, GenderLabels.Options);
        var result = Trainer.Fit(ClassifierPresets.Create("logreg"), dataset.Subset(SplitNames.Train));
        string path = Path.Combine(folder, "logreg.zip");
        result.Classifier.Save(path);
        return path;
    }
}
