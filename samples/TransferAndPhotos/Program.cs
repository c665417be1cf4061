// TransferAndPhotos: transfer learning from face-api's frozen networks, its ready gender/age model (no training), and
// every face in a full photo. The face-api weights come with the packages (GenderML.FaceApi.Models).
// Run: dotnet run -- path/to/faces [photo.jpg]   (faces: female/ and male/, optionally inside train/ and test/)
using GenderML;
using GenderML.Classifiers;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Training;

string folder = args.Length > 0 ? args[0] : "../shared/data/kaggle-gender";
string? photoPath = args.Length > 1 ? args[1] : null;

var dataset = Dataset.Load(folder, GenderLabels.Options);
if (!dataset.Splits.Contains(SplitNames.Test))
    dataset = dataset.SplitStratified(new SplitFractions(0.8, 0, 0.2), seed: 1);
var train = dataset.Subset(SplitNames.Train);
var test = dataset.Subset(SplitNames.Test);

// 1. Transfer learning: every image goes once through the frozen face ResNet (its embeddings are cached on disk by
//    file content, so a second run starts in seconds), then a logistic head is fitted. The preset's framing
//    (FaceFraming.Canonical) re-crops each image to the face the tiny detector finds, so the model does not care how
//    tightly the dataset was cropped.
var recipe = ClassifierPresets.Create("transfer");
var progress = new Progress<TrainingProgress>(p => Console.Error.Write(p.Phase == TrainingProgress.EmbeddingPhase
    ? $"\rembedding {p.Batch}/{p.Batches} images, {p.Remaining:mm\\:ss} left   "
    : $"\repoch {p.Epoch}/{p.Epochs}   "));
var result = Trainer.Fit(recipe, train, progress: progress);
Console.Error.WriteLine();
Console.WriteLine($"transfer: {result.Classifier.Info.Architecture}");
var report = Evaluator.Evaluate(result.Classifier, test);
Console.WriteLine($"transfer: test accuracy {report.Accuracy:P2}, ROC AUC {report.RocAuc:F4} on {report.N} images");
result.Classifier.Save("transfer.zip");        // the head only; the backbone is referenced by its weights' sha256

// 2. The ready model: face-api's age/gender net as shipped, no training; with the face re-cropped and averaged with
//    its mirror image, as `genderml --model pretrained` does.
var ready = PretrainedGenderClassifier.Load(canonicalMargin: 0, mirror: true);
foreach (var item in test.Items.Take(5))
{
    var (prediction, age) = ready.PredictWithAge(Image.Load(item.Path));
    Console.WriteLine($"pretrained: {Path.GetFileName(item.Path)}: {prediction.Label} (P(male) {prediction.ProbabilityMale:F3}, age ≈ {age:F0}), labelled {item.ClassName}");
}

// 3. Full photos: find every face (SSD detector), classify each crop with the transfer model, draw the boxes.
if (photoPath is null)
{
    Console.WriteLine("pass a photo as the second argument to classify every face in it");
    return;
}
var photos = FacePhotoClassifier.Load(GenderClassifier.Load("transfer.zip"));
var photo = Image.Load(photoPath);
var faces = photos.Classify(photo);
Console.WriteLine($"{photoPath}: {faces.Count} face(s)");
foreach (var f in faces)
    Console.WriteLine($"  box [{f.Face.X:F0}, {f.Face.Y:F0}, {f.Face.Width:F0}, {f.Face.Height:F0}] score {f.Face.Score:F2}: {f.Prediction.Label} ({f.Prediction.Confidence:P0})");
FacePhotoClassifier.Annotate(photo, faces).SavePng("faces.png");
Console.WriteLine("boxes drawn into faces.png");
