namespace GenderML.Training;

/// <summary>
/// Turns one S×S uint8 sample (channels interleaved) into normalised float planes (CHW), applying a random
/// flip, shift, zoom, rotation, brightness and contrast drawn from a <see cref="SampleRandom"/>.
/// </summary>
/// <remarks>
/// Geometry is an inverse affine map from output to source pixel centres, sampled bilinearly; points outside
/// the source repeat its border (so zooming out looks like a looser crop, not a black frame). Intensity:
/// <c>v′ = (v − 127.5)·contrast + 127.5 + 255·brightness</c>, then <c>x = scale[c]·v′ + offset[c]</c>.
/// </remarks>
internal static class Augmenter
{
    public static void Apply(ReadOnlySpan<byte> source, int size, int channels, AugmentationOptions o, ref SampleRandom random,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> offset, Span<float> destination)
    {
        bool flip = o.FlipHorizontal && random.NextFloat() < 0.5f;
        float zoom = random.Uniform(o.MinScale, o.MaxScale);
        float angle = random.Uniform(-o.MaxRotationDegrees, o.MaxRotationDegrees) * (MathF.PI / 180f);
        float tx = random.Uniform(-o.MaxShift, o.MaxShift) * size, ty = random.Uniform(-o.MaxShift, o.MaxShift) * size;
        float contrast = 1f + random.Uniform(-o.MaxContrast, o.MaxContrast);
        float brightness = random.Uniform(-o.MaxBrightness, o.MaxBrightness) * 255f;

        float centre = (size - 1) * 0.5f, cos = MathF.Cos(angle) / zoom, sin = MathF.Sin(angle) / zoom;
        float intensityOffset = 127.5f * (1f - contrast) + brightness;
        int plane = size * size, last = size - 1;
        for (int y = 0; y < size; y++)
        {
            float v = y - centre - ty;
            for (int x = 0; x < size; x++)
            {
                float u = x - centre - tx;
                float sx = cos * u + sin * v, sy = -sin * u + cos * v;
                if (flip) sx = -sx;
                sx = Math.Clamp(sx + centre, 0f, last);
                sy = Math.Clamp(sy + centre, 0f, last);
                int x0 = (int)sx, y0 = (int)sy, x1 = Math.Min(x0 + 1, last), y1 = Math.Min(y0 + 1, last);
                float fx = sx - x0, fy = sy - y0;
                int r0 = y0 * size, r1 = y1 * size;
                for (int c = 0; c < channels; c++)
                {
                    float top = source[(r0 + x0) * channels + c] + fx * (source[(r0 + x1) * channels + c] - source[(r0 + x0) * channels + c]);
                    float bottom = source[(r1 + x0) * channels + c] + fx * (source[(r1 + x1) * channels + c] - source[(r1 + x0) * channels + c]);
                    float value = (top + fy * (bottom - top)) * contrast + intensityOffset;
                    destination[c * plane + y * size + x] = scale[c] * value + offset[c];
                }
            }
        }
    }

    /// <summary>No augmentation: <c>x = scale[c]·p + offset[c]</c>, interleaved → planes.</summary>
    public static void Plain(ReadOnlySpan<byte> source, int size, int channels, ReadOnlySpan<float> scale, ReadOnlySpan<float> offset, Span<float> destination)
    {
        int plane = size * size;
        if (channels == 1)
        {
            float a = scale[0], b = offset[0];
            for (int i = 0; i < plane; i++) destination[i] = a * source[i] + b;
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            float a = scale[c], b = offset[c];
            var dst = destination.Slice(c * plane, plane);
            for (int p = 0, q = c; p < plane; p++, q += channels) dst[p] = a * source[q] + b;
        }
    }
}
