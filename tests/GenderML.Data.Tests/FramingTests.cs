using GenderML.Imaging;

namespace GenderML.Data.Tests;

/// <summary><see cref="PreprocessOptions.Framing"/>: the cache, <see cref="Preprocessor"/> and the key all apply it, one batch at a time.</summary>
public sealed class FramingTests
{
    /// <summary>Keeps the left half of each image; records the batches it was given and whether two ever overlapped.</summary>
    private sealed class LeftHalf : ImageFraming
    {
        private int _inside;

        public List<int> Batches { get; } = [];

        public bool Overlapped { get; private set; }

        public override string Key => "lefthalf";

        public override IReadOnlyList<Image> Frame(IReadOnlyList<Image> images)
        {
            if (Interlocked.Increment(ref _inside) > 1) Overlapped = true;
            lock (Batches) Batches.Add(images.Count);
            var result = images.Select(i => i.Crop(0, 0, Math.Max(1, i.Width / 2), i.Height)).ToList();
            Thread.Sleep(1);
            Interlocked.Decrement(ref _inside);
            return result;
        }
    }

    [Fact]
    public void CachedSamples_AreTheFramedImages_MadeSquare()
    {
        using var t = new TempTree();
        for (int i = 0; i < 40; i++) t.Add($"{(i % 2 == 0 ? "female" : "male")}/x{i}.{(i % 3 == 0 ? "png" : "jpg")}", i % 3 == 0 ? TinyImages.Png(24, 20, i) : TinyImages.Jpeg(24, 20, i));
        t.Add("male/broken.jpg", [0xFF, 0xD8, 0xFF, 0x00]);
        var d = Dataset.Load(t.Root, TestLabels.Options);
        var framing = new LeftHalf();
        var options = new PreprocessOptions { Size = 8, Framing = framing };
        string cacheDir = t.Root + "-cache";
        try
        {
            using var cache = PixelCache.Open(d, options, new PixelCacheOptions { Folder = cacheDir, Threads = 4 });
            Assert.False(framing.Overlapped);
            Assert.Equal(40, framing.Batches.Sum());
            Assert.Single(cache.Failed);
            for (int i = 0; i < d.Items.Count; i++)
            {
                if (cache.Failed.Any(f => f.Path == d.Items[i].Path)) continue;
                var image = Image.Load(d.Items[i].Path, new ImageLoadOptions { Format = PixelFormat.Rgb24 });
                var expected = new byte[options.BytesPerImage];
                Preprocessor.Write(image.Crop(0, 0, image.Width / 2, image.Height), options, expected);
                Assert.Equal(expected, cache.GetPixels(i).ToArray());
                var loaded = new byte[options.BytesPerImage];
                Preprocessor.Load(d.Items[i].Path, options, loaded);
                Assert.Equal(expected, loaded);
            }
        }
        finally
        {
            if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);
        }
    }

    [Fact]
    public void Key_NamesTheFraming()
    {
        var plain = new PreprocessOptions { Size = 8 };
        Assert.Equal("8px-gray8-stretch", plain.Key);
        Assert.Equal("8px-gray8-stretch-lefthalf", (plain with { Framing = new LeftHalf() }).Key);
        Assert.Equal(plain with { Framing = new LeftHalf() }, plain with { Framing = new LeftHalf() });
        Assert.NotEqual(plain, plain with { Framing = new LeftHalf() });
    }
}
