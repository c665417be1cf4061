namespace GenderML.FaceApi;

/// <summary>
/// SSD box decoding, non-maximum suppression and the map back to image pixels
/// (ssdMobilenetv1/outputLayer.ts, nonMaxSuppression.ts, SsdMobilenetv1.locateFaces; faceapi-models.md §6).
/// </summary>
internal static class SsdPostProcessing
{
    /// <summary>Decodes <c>[ty,tx,th,tw]</c> against the anchors (scales 10, 10, 5, 5) into <c>[ymin,xmin,ymax,xmax]</c>, float32 per op.</summary>
    public static float[] DecodeBoxes(ReadOnlySpan<float> encodings, float[] anchors)
    {
        int count = anchors.Length / 4;
        var boxes = new float[count * 4];
        for (int i = 0; i < count; i++)
        {
            float ay0 = anchors[4 * i], ax0 = anchors[4 * i + 1], ay1 = anchors[4 * i + 2], ax1 = anchors[4 * i + 3];
            float ha = ay1 - ay0, wa = ax1 - ax0, cya = ay0 + ha / 2f, cxa = ax0 + wa / 2f;
            float ty = encodings[4 * i], tx = encodings[4 * i + 1], th = encodings[4 * i + 2], tw = encodings[4 * i + 3];
            float halfH = MathF.Exp(th / 5f) * (ha / 2f), halfW = MathF.Exp(tw / 5f) * (wa / 2f);
            float cy = ty / 10f * ha + cya, cx = tx / 10f * wa + cxa;
            boxes[4 * i] = cy - halfH;
            boxes[4 * i + 1] = cx - halfW;
            boxes[4 * i + 2] = cy + halfH;
            boxes[4 * i + 3] = cx + halfW;
        }

        return boxes;
    }

    /// <summary>Face score of each anchor: <c>sigmoid(logits[1])</c> of [background, face, unused].</summary>
    public static float[] Scores(ReadOnlySpan<float> logits)
    {
        var scores = new float[logits.Length / 3];
        for (int i = 0; i < scores.Length; i++) scores[i] = 1f / (1f + MathF.Exp(-logits[3 * i + 1]));
        return scores;
    }

    /// <summary>
    /// Greedy NMS: candidates with <c>score &gt; minConfidence</c> in descending score order, each kept
    /// unless its IoU with a kept box exceeds <paramref name="iouThreshold"/>, at most <paramref name="maxResults"/>.
    /// </summary>
    public static List<int> NonMaxSuppression(float[] boxes, float[] scores, int maxResults, double iouThreshold, double minConfidence)
    {
        var candidates = Enumerable.Range(0, scores.Length).Where(i => scores[i] > minConfidence)
            .OrderByDescending(i => scores[i]).ToList();
        var selected = new List<int>();
        int limit = Math.Min(maxResults, scores.Length);
        foreach (int c in candidates)
        {
            if (selected.Count >= limit) break;
            bool keep = true;
            foreach (int s in selected)
                if (Iou(boxes, c, s) > iouThreshold) { keep = false; break; }
            if (keep) selected.Add(c);
        }

        return selected;
    }

    /// <summary>Pixel boxes of the selected anchors: one-sided clipping to [0, 1], undo the bottom/right padding, scale to the image.</summary>
    public static List<DetectedFace> ToImage(float[] boxes, float[] scores, List<int> selected, int width, int height)
    {
        var (rw, rh) = FaceInput.ReshapedSize(width, height, SsdMobilenetV1.InputSize);
        double padX = (double)SsdMobilenetV1.InputSize / rw, padY = (double)SsdMobilenetV1.InputSize / rh;
        var faces = new List<DetectedFace>(selected.Count);
        foreach (int i in selected)
        {
            double top = Math.Max(0, boxes[4 * i]) * padY, bottom = Math.Min(1.0, boxes[4 * i + 2]) * padY;
            double left = Math.Max(0, boxes[4 * i + 1]) * padX, right = Math.Min(1.0, boxes[4 * i + 3]) * padX;
            faces.Add(new DetectedFace(left * width, top * height, (right - left) * width, (bottom - top) * height, scores[i]));
        }

        return faces;
    }

    private static double Iou(float[] b, int i, int j)
    {
        double yi0 = Math.Min(b[4 * i], b[4 * i + 2]), xi0 = Math.Min(b[4 * i + 1], b[4 * i + 3]);
        double yi1 = Math.Max(b[4 * i], b[4 * i + 2]), xi1 = Math.Max(b[4 * i + 1], b[4 * i + 3]);
        double yj0 = Math.Min(b[4 * j], b[4 * j + 2]), xj0 = Math.Min(b[4 * j + 1], b[4 * j + 3]);
        double yj1 = Math.Max(b[4 * j], b[4 * j + 2]), xj1 = Math.Max(b[4 * j + 1], b[4 * j + 3]);
        double areaI = (yi1 - yi0) * (xi1 - xi0), areaJ = (yj1 - yj0) * (xj1 - xj0);
        if (areaI <= 0 || areaJ <= 0) return 0;
        double ih = Math.Max(Math.Min(yi1, yj1) - Math.Max(yi0, yj0), 0), iw = Math.Max(Math.Min(xi1, xj1) - Math.Max(xi0, xj0), 0);
        double inter = ih * iw;
        return inter / (areaI + areaJ - inter);
    }
}
