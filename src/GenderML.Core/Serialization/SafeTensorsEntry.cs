namespace GenderML.Core.Serialization;

/// <summary>One tensor's header entry: name, shape and byte range within the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, int[] Shape, long Begin, long End)
{
    internal int ElementCount => (int)((End - Begin) / sizeof(float));
}
