using System.Globalization;
using DuckDB.NET.Data;
using GenderML.Batch;

namespace GenderML.Tests.Batch;

/// <summary>
/// DuckDB, an independent Parquet reader (as Spark and pandas are), reads the part files and the merged file as
/// docs/SCALE-OUT.md says: the columns by name, the faces as a list of structs and the embedding as a list of floats.
/// </summary>
public sealed class DuckDbReadsTheOutputTests : IDisposable
{
    private readonly BatchFaces _faces = BatchFaces.Create(3);

    public void Dispose() => _faces.Dispose();

    [Fact]
    public void DuckDb_ReadsPartsAndMergedFile_AsTheMergeDoes()
    {
        var input = BatchInput.Open(_faces.Images);
        string detected = Path.Combine(_faces.Root, "detect"), embedded = Path.Combine(_faces.Root, "embed");
        for (int i = 0; i < 2; i++)
            BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Detect, OutputFolder = detected, Shard = new Shard(i, 2), PartSize = 2, Threads = 2 });
        BatchJob.Run(input, new BatchOptions { Kind = BatchKind.Embed, OutputFolder = embedded, Threads = 2 });
        var detections = BatchOutput.Open(detected);
        var rows = detections.ReadRows().ToList();
        string merged = detections.WriteParquet();

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        string parts = Path.Combine(detected, "part-*.parquet");
        Assert.Equal(6L, Count(db, $"SELECT count(*) FROM read_parquet('{parts}')"));
        Assert.Equal(rows.Sum(r => r.Faces?.Count ?? 0), Count(db, $"SELECT coalesce(sum(len(faces)), 0)::BIGINT FROM read_parquet('{merged}')"));
        using (var command = db.CreateCommand())
        {
            command.CommandText = $"SELECT path, content_hash, status, width, faces[1].score, faces[1].x, model FROM read_parquet('{parts}') ORDER BY path";
            using var reader = command.ExecuteReader();
            foreach (var row in rows)
            {
                Assert.True(reader.Read());
                Assert.Equal(row.Path, reader.GetString(0));
                Assert.Equal(row.ContentHash, reader.GetString(1));
                Assert.Equal(BatchRow.Ok, reader.GetString(2));
                Assert.Equal(row.Width, reader.GetInt32(3));
                if (row.Faces is [var face, ..])
                {
                    Assert.Equal(face.Score, reader.GetDouble(4));
                    Assert.Equal(face.X, reader.GetDouble(5));
                }
                Assert.Equal("ssd", reader.GetString(6));
            }
        }
        var embeddings = BatchOutput.Open(embedded).ReadRows().ToList();
        string embeddingParts = Path.Combine(embedded, "part-*.parquet");
        long length = embeddings[0].Embedding!.Count;   // the default transfer preset's: face ResNet stage means + age/gender features
        Assert.Equal(length, Count(db, $"SELECT min(len(embedding)) FROM read_parquet('{embeddingParts}')"));
        Assert.Equal(length, Count(db, $"SELECT max(len(embedding)) FROM read_parquet('{embeddingParts}')"));
        var first = embeddings[0];
        Assert.Equal((double)first.Embedding![5], Convert.ToDouble(
            Scalar(db, $"SELECT embedding[6] FROM read_parquet('{embeddingParts}') WHERE path = '{first.Path}'"), CultureInfo.InvariantCulture));
    }

    private static long Count(DuckDBConnection db, string sql) => Convert.ToInt64(Scalar(db, sql), CultureInfo.InvariantCulture);

    private static object Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()!;
    }
}
