using System.Buffers.Binary;

namespace GenderML.Trees;

/// <summary>Saving and strict loading of the compact binary format (see README.md beside this file).</summary>
internal sealed partial class GradientBoostedTrees
{
    internal const int FormatVersion = 1;
    internal const int MaxFeatures = 1 << 24;
    internal const int MaxTrees = 1_000_000;
    internal const int MaxLeaves = 65536;
    private const int MaxModelBytes = 1 << 30;
    private static ReadOnlySpan<byte> Magic => "GBDT"u8;

    /// <summary>Writes the model in GenderML's binary tree format, version 1 (little-endian, FNV-1a checksummed).</summary>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var w = new ModelWriter();
        w.Bytes(Magic);
        w.UInt16(FormatVersion);
        w.UInt16(0);
        w.Int32(FeatureCount);
        w.Int32(_trees.Length);
        w.Double(BaseScore);
        foreach (var tree in _trees)
        {
            w.Int32(tree.Leaves);
            for (int k = 0; k < tree.Feature.Length; k++)
            {
                w.Int32(tree.Feature[k]);
                w.Float(tree.Threshold[k]);
                w.Int32(tree.Left[k]);
                w.Int32(tree.Right[k]);
            }
            foreach (float v in tree.LeafValue) w.Float(v);
        }
        foreach (double gain in _gains) w.Double(gain);
        w.UInt64(Fnv1a(w.Written));
        destination.Write(w.Written);
    }

    /// <summary>Reads a model written by <see cref="Save"/>, reading <paramref name="source"/> to its end.</summary>
    /// <exception cref="InvalidDataException">
    /// The data is not a GenderML tree model, has another format version, is truncated, damaged (checksum) or
    /// inconsistent (counts or indices out of range, non-finite values, trailing bytes). The message says which.
    /// </exception>
    public static GradientBoostedTrees Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = source.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxModelBytes) throw Bad($"larger than {MaxModelBytes} bytes; not a tree model");
            buffer.Write(chunk, 0, read);
        }
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static GradientBoostedTrees Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || !data[..4].SequenceEqual(Magic))
            throw Bad($"does not start with \"GBDT\" (starts with {Hex(data[..Math.Min(4, data.Length)])}); not a GenderML tree model");
        if (data.Length >= 6 && BinaryPrimitives.ReadUInt16LittleEndian(data[4..]) is var version && version != FormatVersion)
            throw Bad($"format version {version}, but this build reads version {FormatVersion}");
        if (data.Length < 8 + 28)
            throw Bad($"ends early: {data.Length} bytes (truncated file?)");
        var body = data[..^8];
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(data[^8..]);
        if (Fnv1a(body) != stored)
            throw Bad("checksum mismatch — the file is damaged or was edited; save the model again");

        var r = new ModelReader(body, 6);
        if (r.UInt16() != 0) throw Bad("reserved flags are not 0");
        int featureCount = r.Int32();
        if (featureCount < 1 || featureCount > MaxFeatures) throw Bad($"feature count {featureCount} is outside 1…{MaxFeatures}");
        int treeCount = r.Int32();
        if (treeCount < 0 || treeCount > MaxTrees) throw Bad($"tree count {treeCount} is outside 0…{MaxTrees}");
        double baseScore = r.Double();
        if (!double.IsFinite(baseScore)) throw Bad($"base score {baseScore} is not finite");
        var trees = new RegressionTree[treeCount];
        for (int t = 0; t < treeCount; t++) trees[t] = ReadTree(ref r, t, featureCount);
        var gains = new double[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            gains[f] = r.Double();
            if (!(gains[f] >= 0) || double.IsInfinity(gains[f])) throw Bad($"importance of feature {f} is {gains[f]}, not a finite value ≥ 0");
        }
        if (r.Remaining != 0) throw Bad($"{r.Remaining} unexpected bytes after the last field");
        return new GradientBoostedTrees(featureCount, baseScore, trees, gains);
    }

    private static RegressionTree ReadTree(ref ModelReader r, int t, int featureCount)
    {
        int leaves = r.Int32();
        if (leaves < 1 || leaves > MaxLeaves) throw Bad($"tree {t}: leaf count {leaves} is outside 1…{MaxLeaves}");
        int nodes = leaves - 1;
        var feature = new int[nodes];
        var threshold = new float[nodes];
        var left = new int[nodes];
        var right = new int[nodes];
        var nodeSeen = new bool[nodes];
        var leafSeen = new bool[leaves];
        for (int k = 0; k < nodes; k++)
        {
            feature[k] = r.Int32();
            threshold[k] = r.Float();
            left[k] = r.Int32();
            right[k] = r.Int32();
            if ((uint)feature[k] >= (uint)featureCount)
                throw Bad($"tree {t}, node {k}: splits on feature {feature[k]}, but the model has {featureCount} features");
            if (!float.IsFinite(threshold[k])) throw Bad($"tree {t}, node {k}: threshold {threshold[k]} is not finite");
            Child(t, k, left[k], nodes, leaves, nodeSeen, leafSeen);
            Child(t, k, right[k], nodes, leaves, nodeSeen, leafSeen);
        }
        var values = new float[leaves];
        for (int i = 0; i < leaves; i++)
        {
            values[i] = r.Float();
            if (!float.IsFinite(values[i])) throw Bad($"tree {t}, leaf {i}: value {values[i]} is not finite");
        }
        // Every child index exceeds its parent's and each is referenced once, so the nodes form one tree.
        return new RegressionTree(feature, new byte[nodes], threshold, left, right, values);
    }

    private static void Child(int t, int k, int c, int nodes, int leaves, bool[] nodeSeen, bool[] leafSeen)
    {
        if (c >= 0)
        {
            if (c <= k || c >= nodes) throw Bad($"tree {t}, node {k}: child node {c} is outside {k + 1}…{nodes - 1}");
            if (nodeSeen[c]) throw Bad($"tree {t}: node {c} has two parents");
            nodeSeen[c] = true;
        }
        else
        {
            int leaf = ~c;
            if (leaf >= leaves) throw Bad($"tree {t}, node {k}: leaf {leaf} is outside 0…{leaves - 1}");
            if (leafSeen[leaf]) throw Bad($"tree {t}: leaf {leaf} has two parents");
            leafSeen[leaf] = true;
        }
    }

    internal static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    private static string Hex(ReadOnlySpan<byte> bytes)
        => bytes.IsEmpty ? "nothing" : string.Join(' ', bytes.ToArray().Select(b => "0x" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    private static InvalidDataException Bad(string what) => new($"tree model: {what}.");

    private sealed class ModelWriter
    {
        private readonly MemoryStream _stream = new();
        private readonly byte[] _scratch = new byte[8];

        public ReadOnlySpan<byte> Written => _stream.GetBuffer().AsSpan(0, (int)_stream.Length);

        public void Bytes(ReadOnlySpan<byte> b) => _stream.Write(b);
        public void UInt16(int v) { BinaryPrimitives.WriteUInt16LittleEndian(_scratch, (ushort)v); _stream.Write(_scratch, 0, 2); }
        public void Int32(int v) { BinaryPrimitives.WriteInt32LittleEndian(_scratch, v); _stream.Write(_scratch, 0, 4); }
        public void Float(float v) { BinaryPrimitives.WriteSingleLittleEndian(_scratch, v); _stream.Write(_scratch, 0, 4); }
        public void Double(double v) { BinaryPrimitives.WriteDoubleLittleEndian(_scratch, v); _stream.Write(_scratch, 0, 8); }
        public void UInt64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(_scratch, v); _stream.Write(_scratch, 0, 8); }
    }

    private ref struct ModelReader(ReadOnlySpan<byte> data, int position)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = position;

        public readonly int Remaining => _data.Length - _position;

        public int UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public float Float() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));
        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        private ReadOnlySpan<byte> Take(int n)
        {
            if (Remaining < n) throw Bad($"ends early at byte {_position} of {_data.Length + 8} (truncated file?)");
            var s = _data.Slice(_position, n);
            _position += n;
            return s;
        }
    }
}
