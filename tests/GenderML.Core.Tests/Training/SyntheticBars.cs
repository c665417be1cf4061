using GenderML.Core;

namespace GenderML.Core.Tests.Training;

/// <summary>A tiny synthetic image task: a horizontal bar (label 0) or a vertical bar (label 1) at a random place, plus noise.</summary>
internal static class SyntheticBars
{
    public static (Tensor Images, float[] Labels) Make(int count, int size, int seed)
    {
        var random = new Random(seed);
        var images = new Tensor(count, 1, size, size);
        var labels = new float[count];
        for (int n = 0; n < count; n++)
        {
            var img = images.Data.AsSpan(n * size * size, size * size);
            for (int i = 0; i < img.Length; i++) img[i] = (float)(random.NextDouble() * 0.4 - 0.2);
            int vertical = random.Next(2);
            labels[n] = vertical;
            int at = random.Next(1, size - 1), from = random.Next(0, size / 2), length = size / 2;
            for (int k = from; k < from + length; k++)
            {
                if (vertical == 1) img[k * size + at] += 1f;
                else img[at * size + k] += 1f;
            }
        }
        return (images, labels);
    }

    public static Tensor Slice(Tensor images, int start, int count)
    {
        int per = images.Length / images.Dim(0);
        var shape = images.ShapeArray();
        shape[0] = count;
        return new Tensor(shape, images.Data.AsSpan(start * per, count * per).ToArray());
    }
}
