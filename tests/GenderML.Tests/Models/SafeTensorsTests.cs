using System.Buffers.Binary;
using System.Text;
using GenderML.Core;
using GenderML.Models;

namespace GenderML.Tests.Models;

public sealed class SafeTensorsTests
{
    private static Dictionary<string, Tensor> Sample() => new()
    {
        ["fc.weight"] = new Tensor([2, 3], [1, -2, 3.5f, float.Epsilon, -0f, 6]),
        ["fc.bias"] = new Tensor([2], [0.25f, -0.5f]),
        ["empty"] = new Tensor([0, 4]),
    };

    [Fact]
    public void Round_trips_bit_for_bit()
    {
        var bytes = SafeTensors.Write(Sample(), new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(0, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8);
        var back = SafeTensors.Read(bytes, "w.safetensors");
        foreach (var (name, t) in Sample())
        {
            Assert.Equal(t.ShapeArray(), back[name].ShapeArray());
            Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), back[name].Data.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal(3, back.Count);
    }

    [Fact]
    public void Reads_a_header_written_elsewhere()
    {
        // As the Python safetensors package lays it out: header then data, offsets relative to the data.
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":{\"x\":\"y\"}}";
        var bytes = Build(header, BitConverter.GetBytes(1.5f).Concat(BitConverter.GetBytes(-3f)).ToArray());
        Assert.Equal([1.5f, -3f], SafeTensors.Read(bytes, "w").GetValueOrDefault("a")!.Data);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "only F32")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8, "outside")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "4 bytes after the last tensor")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "bad dimension")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "appears twice")]
    [InlineData("{\"a\":", 0, "not valid JSON")]
    public void Misshapen_files_are_rejected(string header, int dataBytes, string message)
    {
        var e = Assert.Throws<ModelFormatException>(() => SafeTensors.Read(Build(header, new byte[dataBytes]), "m.zip!weights.safetensors"));
        Assert.StartsWith("m.zip!weights.safetensors: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_length_beyond_the_file_is_rejected()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        Assert.Contains("does not fit", Assert.Throws<ModelFormatException>(() => SafeTensors.Read(bytes, "w")).Message, StringComparison.Ordinal);
        Assert.Throws<ModelFormatException>(() => SafeTensors.Read([1, 2], "w"));
    }

    [Fact]
    public void Require_checks_presence_and_shape()
    {
        var t = Sample();
        Assert.Same(t["fc.bias"], SafeTensors.Require(t, "fc.bias", [2], "w"));
        Assert.Contains("missing tensor \"conv.weight\"", Assert.Throws<ModelFormatException>(() => SafeTensors.Require(t, "conv.weight", [1], "w")).Message, StringComparison.Ordinal);
        Assert.Contains("has shape [2, 3], the architecture needs [3, 2]", Assert.Throws<ModelFormatException>(() => SafeTensors.Require(t, "fc.weight", [3, 2], "w")).Message, StringComparison.Ordinal);
    }

    private static byte[] Build(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }
}
