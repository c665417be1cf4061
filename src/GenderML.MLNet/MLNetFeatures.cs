namespace GenderML.MLNet;

/// <summary>What an <see cref="MLNetRecipe"/>'s ML.NET trainer learns from.</summary>
public enum MLNetFeatures
{
    /// <summary>The preprocessed pixels (<see cref="Classifiers.ClassifierRecipe.Preprocessing"/>) scaled to [0, 1].</summary>
    Pixels,

    /// <summary>The face ResNet's stage means as <see cref="GenderMLCatalog.FaceEmbedding"/> gives them (its default options).</summary>
    FaceEmbedding,
}
