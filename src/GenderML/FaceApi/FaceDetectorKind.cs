namespace GenderML.FaceApi;

/// <summary>Which face-api detector network a <see cref="FaceDetector"/> runs.</summary>
public enum FaceDetectorKind
{
    /// <summary>SSD MobileNetV1 at 512×512 (~3.1 GMAC an image): the accurate default.</summary>
    SsdMobilenetV1,

    /// <summary>The tiny YOLOv2-style detector (~0.2 GMAC at 416×416): the fast option.</summary>
    Tiny,
}
