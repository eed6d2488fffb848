using System.Buffers.Binary;
using System.Text;

namespace GenRnn.Tests.Interop;

/// <summary>
/// Builds safetensors files byte by byte, independently of <see cref="GenRnn.Interop.SafeTensors"/>, in any dtype and
/// with any header text, so tests can make exactly the files (valid or broken) they need.
/// </summary>
internal sealed class SafeTensorsBuilder
{
    private readonly List<(string Name, string DType, int[] Shape, byte[] Bytes)> _tensors = [];

    /// <summary>Raw <c>__metadata__</c> JSON (an object), or null.</summary>
    public string? MetadataJson { get; set; }

    public SafeTensorsBuilder Add(string name, string dtype, int[] shape, byte[] bytes)
    {
        _tensors.Add((name, dtype, shape, bytes));
        return this;
    }

    public SafeTensorsBuilder F32(string name, int[] shape, float[] values)
        => Add(name, "F32", shape, Encode(values, 4, (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v)));

    public SafeTensorsBuilder F64(string name, int[] shape, double[] values)
        => Add(name, "F64", shape, Encode(values, 8, (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v)));

    public SafeTensorsBuilder F16(string name, int[] shape, Half[] values)
        => Add(name, "F16", shape, Encode(values, 2, (s, v) => BinaryPrimitives.WriteHalfLittleEndian(s, v)));

    public SafeTensorsBuilder BF16(string name, int[] shape, ushort[] bits)
        => Add(name, "BF16", shape, Encode(bits, 2, (s, v) => BinaryPrimitives.WriteUInt16LittleEndian(s, v)));

    /// <summary>The header JSON this builder writes, with offsets laid end to end.</summary>
    public string HeaderJson()
    {
        var parts = new List<string>();
        if (MetadataJson is not null)
        {
            parts.Add($"\"__metadata__\":{MetadataJson}");
        }

        long offset = 0;
        foreach ((string name, string dtype, int[] shape, byte[] bytes) in _tensors)
        {
            parts.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes.Length}]}}");
            offset += bytes.Length;
        }

        return "{" + string.Join(",", parts) + "}";
    }

    /// <summary>The file with this builder's header.</summary>
    public byte[] Build() => Build(HeaderJson());

    /// <summary>The file with <paramref name="header"/> as its header text and the tensors' bytes as its data.</summary>
    public byte[] Build(string header) => Assemble(Encoding.UTF8.GetBytes(header), _tensors.SelectMany(t => t.Bytes).ToArray());

    /// <summary>A file from a raw header and raw data.</summary>
    public static byte[] Assemble(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private static byte[] Encode<T>(T[] values, int size, Action<Span<byte>, T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(i * size, size), values[i]);
        }

        return bytes;
    }
}
