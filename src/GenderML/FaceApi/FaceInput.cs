using GenderML.Core;
using GenderML.Imaging;

namespace GenderML.FaceApi;

/// <summary>
/// face-api's image → input tensor path (<c>NetInput.toBatchTensor</c>): pad to a square with zeros
/// (centred, or bottom/right only), resize with TensorFlow's legacy bilinear (no antialias, not
/// rounded), then normalise; faceapi-models.md §3.1.
/// </summary>
internal static class FaceInput
{
    /// <summary>An N×3×S×S batch from 8-bit images (gray images are replicated to RGB).</summary>
    public static Tensor ToBatch(IReadOnlyList<Image> images, int size, bool centred, InputNormalization norm, int threads = 1)
    {
        var batch = new Tensor(images.Count, 3, size, size);
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            i => Fill(images[i], size, centred, norm, batch.Data.AsSpan(i * 3 * size * size, 3 * size * size)));
        return batch;
    }

    /// <summary>The 0–255 float values of one image after padding and resizing, HWC (for tests).</summary>
    public static float[] PaddedResizedHwc(Image image, int size, bool centred)
    {
        var (square, side) = PadToSquare(image, centred);
        return side == size ? square : LegacyBilinear.Resize(square, side, side, 3, size, size);
    }

    /// <summary>JavaScript <c>Math.round</c>: halves round up.</summary>
    public static int JsRound(double x) => (int)Math.Floor(x + 0.5);

    /// <summary>face-api's <c>computeReshapedDimensions</c>: the image's size inside the padded S×S input.</summary>
    public static (int Width, int Height) ReshapedSize(int width, int height, int size)
    {
        double scale = (double)size / Math.Max(width, height);
        return (JsRound(width * scale), JsRound(height * scale));
    }

    private static void Fill(Image image, int size, bool centred, InputNormalization norm, Span<float> chw)
    {
        float[] hwc = PaddedResizedHwc(image, size, centred);
        int plane = size * size;
        for (int c = 0; c < 3; c++)
        {
            Span<float> dst = chw.Slice(c * plane, plane);
            if (norm.MinusOneToOne)
            {
                for (int p = 0; p < plane; p++) dst[p] = hwc[p * 3 + c] / 127.5f - 1f;
            }
            else
            {
                float mean = c == 0 ? norm.MeanR : c == 1 ? norm.MeanG : norm.MeanB;
                for (int p = 0; p < plane; p++) dst[p] = (hwc[p * 3 + c] - mean) / 255f;
            }
        }
    }

    /// <summary>padToSquare: zero rows/columns appended (and, when centred, prepended) to the shorter side; HWC floats.</summary>
    private static (float[] Pixels, int Side) PadToSquare(Image image, bool centred)
    {
        int w = image.Width, h = image.Height, side = Math.Max(w, h), diff = Math.Abs(h - w);
        int append = JsRound(diff * (centred ? 0.5 : 1.0));
        int prepend = centred ? diff - append : 0;
        int offX = h > w ? prepend : 0, offY = h > w ? 0 : prepend;
        var square = new float[side * side * 3];
        byte[] px = image.Pixels;
        bool gray = image.Format == PixelFormat.Gray8;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int d = ((y + offY) * side + x + offX) * 3;
            if (gray)
            {
                float v = px[y * w + x];
                square[d] = v;
                square[d + 1] = v;
                square[d + 2] = v;
            }
            else
            {
                int s = (y * w + x) * 3;
                square[d] = px[s];
                square[d + 1] = px[s + 1];
                square[d + 2] = px[s + 2];
            }
        }

        return (square, side);
    }
}
