namespace GenderML.Onnx;

/// <summary>A face-api network that <see cref="OnnxExport.FaceApiNetwork"/> writes on its own.</summary>
public enum FaceApiNetwork
{
    /// <summary>The face recognition ResNet: N×3×150×150 → <c>descriptor</c> N×128.</summary>
    FaceRecognition,

    /// <summary>The age/gender TinyXception: N×3×112×112 → <c>age</c> N×1, <c>gender</c> N×2 ([male, female]),
    /// <c>features</c> N×512.</summary>
    AgeGender,

    /// <summary>The tiny face detector: N×3×S×S → <c>grid</c> N×25×(S/32)×(S/32), before box decoding and NMS.</summary>
    TinyFaceDetector,
}
