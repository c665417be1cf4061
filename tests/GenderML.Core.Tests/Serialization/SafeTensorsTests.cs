using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using GenderML.Core.Serialization;
using GenderML.Core.Tests.Optimizers;

namespace GenderML.Core.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("genderml-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static Tensor Sequence(int start, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (start + i) * 0.25f - 1f;
        return t;
    }

    [Fact]
    public void Round_trips_tensors_and_metadata()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["z.weight"] = Sequence(0, 3, 4),
            ["a.bias"] = Sequence(100, 4),
            ["βeta/odd name+<&>"] = Sequence(7, 2, 1, 2),
            ["scalar"] = Sequence(3),
            ["empty"] = new Tensor(0, 5),
        };
        var metadata = new Dictionary<string, string> { ["epoch"] = "7", ["note"] = "ünïcode \"quoted\"" };
        string path = PathOf("round.safetensors");

        SafeTensors.Save(path, tensors, metadata);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(tensors.Keys.Order(), loaded.Tensors.Keys.Order());
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(tensor.ShapeArray(), loaded.Tensors[name].ShapeArray());
            Assert.Equal(tensor.Data, loaded.Tensors[name].Data);
        }
        Assert.Equal(metadata, loaded.Metadata);
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public void Writes_the_layout_of_the_spec()
    {
        var stream = new MemoryStream();
        SafeTensors.Save(stream, new Dictionary<string, Tensor> { ["b"] = Sequence(0, 2), ["a"] = Sequence(4, 1, 1) }, new Dictionary<string, string> { ["k"] = "v" });
        byte[] bytes = stream.ToArray();

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal(8 + (long)headerLength + 3 * 4, bytes.Length);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal("""{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", header.TrimEnd(' '));
        Assert.Equal(0f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)headerLength)));
        Assert.Equal(-1f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)headerLength + 4)));
    }

    [Fact]
    public void Loads_a_file_laid_out_by_the_python_writer()
    {
        string directory = OptimFixtures.Directory();
        var loaded = SafeTensors.Load(Path.Combine(directory, "python_format.safetensors"));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "python_format.json")));

        foreach (JsonProperty m in expected.RootElement.GetProperty("metadata").EnumerateObject())
            Assert.Equal(m.Value.GetString(), loaded.Metadata[m.Name]);
        var tensors = expected.RootElement.GetProperty("tensors").EnumerateObject().ToList();
        Assert.Equal(tensors.Count, loaded.Tensors.Count);
        foreach (JsonProperty t in tensors)
        {
            Tensor tensor = loaded.Tensors[t.Name];
            Assert.Equal(OptimFixtures.Ints(t.Value.GetProperty("shape")), tensor.ShapeArray());
            uint[] bits = t.Value.GetProperty("bits").EnumerateArray().Select(b => b.GetUInt32()).ToArray();
            Assert.Equal(bits, tensor.Data.Select(BitConverter.SingleToUInt32Bits).ToArray());
        }
    }

    [Fact]
    public void Saves_and_loads_parameters_strictly()
    {
        Parameter[] model = [new("conv.weight", Sequence(0, 2, 1, 3, 3)), new("conv.bias", Sequence(50, 2)), new("fc.weight", Sequence(9, 1, 8))];
        string path = PathOf("model.safetensors");
        SafeTensors.Save(path, model, new Dictionary<string, string> { ["architecture"] = "tiny" });

        Parameter[] fresh = [new("conv.weight", new Tensor(2, 1, 3, 3)), new("conv.bias", new Tensor(2)), new("fc.weight", new Tensor(1, 8))];
        var metadata = SafeTensors.LoadInto(path, fresh);

        Assert.Equal("tiny", metadata["architecture"]);
        for (int i = 0; i < model.Length; i++) Assert.Equal(model[i].Value.Data, fresh[i].Value.Data);
    }

    [Fact]
    public void Loading_into_mismatched_parameters_names_every_problem_and_changes_nothing()
    {
        string path = PathOf("model.safetensors");
        SafeTensors.Save(path, [new Parameter("conv.weight", Sequence(0, 2, 3)), new Parameter("old.bias", Sequence(0, 2)), new Parameter("fc.weight", Sequence(1, 4))]);
        Parameter[] model = [new("conv.weight", new Tensor(3, 2)), new("fc.weight", new Tensor(4)), new("fc.bias", new Tensor(1))];

        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadInto(path, model));

        Assert.Contains(path, error.Message);
        Assert.Contains("'conv.weight' has shape [2, 3], expected [3, 2]", error.Message);
        Assert.Contains("missing 'fc.bias' (expected shape [1])", error.Message);
        Assert.Contains("unexpected 'old.bias' (shape [2])", error.Message);
        Assert.All(model, p => Assert.All(p.Value.Data, v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void Rejects_files_too_short_or_with_an_oversized_header()
    {
        AssertRejected(new byte[5], "too short");
        byte[] lying = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(lying, 1000);
        AssertRejected(lying, "header length 1000 runs past the end of the file (16 bytes)");
        BinaryPrimitives.WriteUInt64LittleEndian(lying, ulong.MaxValue);
        AssertRejected(lying, "runs past the end");
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]""", "not valid JSON")]
    [InlineData("""[1, 2]""", "must start with '{'")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", "tensor 'a' has dtype F16; only F32 is supported")]
    [InlineData("""{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}""", "unknown dtype 'Q4'")]
    [InlineData("""{"a":{"shape":[1],"data_offsets":[0,4]}}""", "tensor 'a' has no string 'dtype'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "dimensions must be whole numbers")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", "needs 'data_offsets' as [begin, end]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "tensor 'a' has data_offsets [4, 8] beyond the data section of 4 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "tensor 'a' of shape [2] needs 8 bytes of F32 but data_offsets [0, 4] span 4")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "end before they begin")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}""", "overlaps")]
    [InlineData("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}""", "the tensors cover 0 bytes but the data section holds 4")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "names 'a' twice")]
    [InlineData("""{"__metadata__":{"epoch":7},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "metadata 'epoch' must be a string")]
    [InlineData("""{"a":[1,2]}""", "tensor 'a' must be an object")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647,2147483647],"data_offsets":[0,4]}}""", "is too large to load")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4294967296],"data_offsets":[0,4]}}""", "dimensions must be whole numbers")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}""", "offsets must be whole numbers")]
    public void Rejects_a_corrupt_header(string header, string expectedMessage) =>
        AssertRejected(Build(header, new byte[4]), expectedMessage);

    [Fact]
    public void Rejects_a_hole_between_tensors()
    {
        string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        AssertRejected(Build(header, new byte[12]), "bytes [4, 8) of the data section belong to no tensor (a hole before 'b')");
    }

    [Fact]
    public void Reads_from_a_non_seekable_stream()
    {
        var buffer = new MemoryStream();
        SafeTensors.Save(buffer, new Dictionary<string, Tensor> { ["x"] = Sequence(1, 3) });
        var loaded = SafeTensors.Load(new ForwardOnlyStream(buffer.ToArray()));
        Assert.Equal(Sequence(1, 3).Data, loaded.Tensors["x"].Data);
    }

    [Fact]
    public void Refuses_reserved_or_duplicate_names_when_saving()
    {
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(new MemoryStream(), new Dictionary<string, Tensor> { ["__metadata__"] = new Tensor(1) }));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(PathOf("dup.safetensors"), [new Parameter("w", new Tensor(1)), new Parameter("w", new Tensor(1))]));
    }

    private static byte[] Build(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private void AssertRejected(byte[] bytes, string expectedMessage)
    {
        string path = PathOf("corrupt.safetensors");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(expectedMessage, error.Message);
        Assert.StartsWith(path, error.Message);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
