using GenderML.Evaluation;
using GenderML.Imaging;
using GenderML.Tests.Classifiers;

namespace GenderML.Tests.Evaluation;

public sealed class ErrorSheetTests : IDisposable
{
    private readonly SyntheticFaces _faces = new(perClass: 2);

    public void Dispose() => _faces.Dispose();

    [Fact]
    public void Tiles_each_error_in_order_and_greys_out_a_file_that_is_gone()
    {
        string female = Path.Combine(_faces.Root, "train", "female", "female000.png"), male = Path.Combine(_faces.Root, "train", "male", "male000.png");
        var sheet = ErrorSheet.Render([new(female, 0, 0.99), new(Path.Combine(_faces.Root, "gone.png"), 1, 0.2), new(male, 1, 0.01)]);
        Assert.Equal((ErrorSheet.Columns * ErrorSheet.TileWidth, ErrorSheet.TileHeight, PixelFormat.Rgb24), (sheet.Width, sheet.Height, sheet.Format));
        // The middle of tile 1 is the face itself; the middle of tile 2 is the grey of an unreadable file.
        Assert.NotEqual((90, 90, 90), Pixel(sheet, ErrorSheet.TileWidth / 2, ErrorSheet.TileHeight / 2 - 6));
        Assert.Equal((90, 90, 90), Pixel(sheet, ErrorSheet.TileWidth + ErrorSheet.TileWidth / 2, ErrorSheet.TileHeight / 2));
        // Captions are drawn in yellow at the bottom of each tile.
        Assert.Contains((255, 230, 0), Row(sheet, ErrorSheet.TileHeight - ErrorSheet.CaptionHeight + 4, 0, ErrorSheet.TileWidth));
    }

    [Fact]
    public void The_report_writes_the_sheet_beside_the_markdown_and_links_it()
    {
        string female = Path.Combine(_faces.Root, "train", "female", "female000.png");
        var report = Evaluator.Evaluate([0, 1], [0.9, 0.8]) with { Predictions = [new(female, 0, 0.9), new("m.png", 1, 0.8)] };
        string md = Path.Combine(_faces.Root, "r.md");
        EvaluationMarkdown.Write(report, md);
        Assert.True(File.Exists(Path.Combine(_faces.Root, "r-errors.png")));
        Assert.Contains("![the most confident errors](r-errors.png)", File.ReadAllText(md), StringComparison.Ordinal);
    }

    private static (int, int, int) Pixel(Image img, int x, int y)
    {
        int o = (y * img.Width + x) * 3;
        return (img.Pixels[o], img.Pixels[o + 1], img.Pixels[o + 2]);
    }

    private static List<(int, int, int)> Row(Image img, int y, int x0, int x1) => [.. Enumerable.Range(x0, x1 - x0).Select(x => Pixel(img, x, y))];
}
