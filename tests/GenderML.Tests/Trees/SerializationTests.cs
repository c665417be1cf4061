using System.Buffers.Binary;
using GenderML.Trees;

namespace GenderML.Tests.Trees;

public sealed class SerializationTests
{
    private static readonly Lazy<(GradientBoostedTrees Model, byte[] Bytes, FeatureMatrix X)> Fitted = new(() =>
    {
        var (x, y) = TreeData.Xor(800, 4, 11);
        var model = GradientBoostingTrainer.Fit(x, y, new GradientBoostingOptions { Trees = 12, Leaves = 8 });
        return (model, TreeData.Save(model), x);
    });

    [Fact]
    public void Round_trip_keeps_predictions_importance_and_bytes()
    {
        var (model, bytes, x) = Fitted.Value;
        var loaded = TreeData.Load(bytes);
        Assert.Equal(model.TreeCount, loaded.TreeCount);
        Assert.Equal(model.FeatureCount, loaded.FeatureCount);
        Assert.Equal(model.BaseScore, loaded.BaseScore);
        Assert.Equal(model.PredictProbabilities(x), loaded.PredictProbabilities(x));
        Assert.Equal(model.FeatureImportance(), loaded.FeatureImportance());
        Assert.Equal(bytes, TreeData.Save(loaded));
    }

    [Fact]
    public void Every_flipped_byte_is_detected()
    {
        var (_, bytes, _) = Fitted.Value;
        for (int i = 0; i < bytes.Length; i += 7)
        {
            var bad = (byte[])bytes.Clone();
            bad[i] ^= 0x10;
            var e = Assert.Throws<InvalidDataException>(() => TreeData.Load(bad));
            Assert.StartsWith("tree model:", e.Message);
        }
    }

    [Fact]
    public void Truncated_file_says_so()
    {
        var (_, bytes, _) = Fitted.Value;
        foreach (int length in new[] { 0, 3, 10, 40, bytes.Length - 1 })
        {
            var e = Assert.Throws<InvalidDataException>(() => TreeData.Load(bytes[..length]));
            Assert.Matches("does not start|ends early|checksum", e.Message);
        }
    }

    [Fact]
    public void Wrong_magic_and_version_are_named()
    {
        var (_, bytes, _) = Fitted.Value;
        Assert.Contains("not a GenderML tree model", Assert.Throws<InvalidDataException>(() => TreeData.Load("PK\x03\x04rest"u8.ToArray())).Message);
        var v2 = (byte[])bytes.Clone();
        v2[4] = 2;
        Assert.Contains("format version 2", Assert.Throws<InvalidDataException>(() => TreeData.Load(v2)).Message);
    }

    [Fact]
    public void Consistent_checksum_but_bad_structure_is_still_rejected()
    {
        var (model, bytes, _) = Fitted.Value;
        // Header: magic 4, version 2, flags 2, features 4, trees 4, base 8 = 24; tree 0: leaf count 4, node 0 feature at 28.
        Assert.Contains("feature 99", Reject(bytes, 28, 99));
        Assert.Contains("outside 1…", Reject(bytes, 36, 0));       // node 0's left child points back at node 0
        Assert.Contains("leaf count 0", Reject(bytes, 24, 0));
        Assert.Contains("tree count -1", Reject(bytes, 12, -1));
        var extra = bytes[..^8].Concat(new byte[] { 0 }).ToArray();
        Assert.Contains("unexpected bytes", Load(WithChecksum(extra)));
        Assert.True(model.Trees[0].Leaves > 1);
    }

    private static string Reject(byte[] bytes, int offset, int value)
    {
        var body = bytes[..^8];
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(offset), value);
        return Load(WithChecksum(body));
    }

    private static string Load(byte[] bytes) => Assert.Throws<InvalidDataException>(() => TreeData.Load(bytes)).Message;

    private static byte[] WithChecksum(byte[] body)
    {
        var result = new byte[body.Length + 8];
        body.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(body.Length), GradientBoostedTrees.Fnv1a(body));
        return result;
    }
}
