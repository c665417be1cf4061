using GenderML.Imaging;

namespace GenderML;

/// <summary>
/// A classifier that can be trained on full photos (<see cref="FacePhotoClassifier"/> asks it, not its type): it cuts
/// each detected face with its own <see cref="Framing"/>, and face crops already cut must not be searched again.
/// </summary>
internal interface IPhotoModel
{
    /// <summary>The model's framing; <see cref="FaceFraming.Photos"/> when it takes full photos.</summary>
    FaceFraming? Framing { get; }

    /// <summary>P(male) of face crops already cut out of photos by a detector.</summary>
    IReadOnlyList<GenderPrediction> PredictFaceCrops(IReadOnlyList<Image> crops);
}
