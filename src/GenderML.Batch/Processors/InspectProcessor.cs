using GenderML.Imaging;

namespace GenderML.Batch.Processors;

/// <summary><see cref="BatchKind.Inspect"/>: decodes each image (as <c>data inspect --check decode</c>) and records its size.</summary>
internal sealed class InspectProcessor() : BatchProcessor("decode", "")
{
    public override void Process(IReadOnlyList<BatchRow> rows, IReadOnlyList<string> files, int threads) =>
        Decode(rows, files, threads, f => Image.Load(f));
}
