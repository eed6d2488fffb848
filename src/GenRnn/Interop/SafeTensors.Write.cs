using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GenRnn.Interop;

// Writing: checks the tensors, then lays out an 8-byte-aligned header and the F32 data.
public static partial class SafeTensors
{
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Serializes tensors as a safetensors file of F32 tensors, in the order given.</summary>
    /// <param name="tensors">The tensors; names must be non-empty, distinct and not <c>__metadata__</c>.</param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="ArgumentException">A tensor is invalid (no name, repeated name, negative dimension, data that does not fill its shape).</exception>
    public static byte[] Serialize(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        List<NamedTensor> list = CheckTensors(tensors);

        var headerBuffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(headerBuffer, s_writerOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata)
                {
                    if (pair.Key is null || pair.Value is null)
                    {
                        throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
                    }

                    json.WriteString(pair.Key, pair.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (NamedTensor t in list)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int headerLength = (headerBuffer.WrittenCount + 7) / 8 * 8;
        long dataLength = 0;
        foreach (NamedTensor t in list)
        {
            dataLength += 4L * t.Data.Length;
        }

        long total = 8 + headerLength + dataLength;
        if (total > Array.MaxLength || headerLength > MaxHeaderLength)
        {
            throw new ArgumentException($"The tensors need a file of {total} bytes; GenRnn writes safetensors files of at most {Array.MaxLength} bytes.", nameof(tensors));
        }

        var file = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerLength);
        headerBuffer.WrittenSpan.CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerBuffer.WrittenCount, headerLength - headerBuffer.WrittenCount).Fill((byte)' ');
        int position = 8 + headerLength;
        foreach (NamedTensor t in list)
        {
            Span<byte> destination = file.AsSpan(position, 4 * t.Data.Length);
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(t.Data.AsSpan()).CopyTo(destination);
            }
            else
            {
                for (int i = 0; i < t.Data.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], t.Data[i]);
                }
            }

            position += destination.Length;
        }

        return file;
    }

    /// <summary>Writes tensors to a safetensors file of F32 tensors (under a temporary name, then moved over <paramref name="path"/>).</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="tensors">The tensors; names must be non-empty, distinct and not <c>__metadata__</c>.</param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <exception cref="ArgumentException">A tensor is invalid.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] file = Serialize(tensors, metadata);
        AtomicFile.Write(path, file);
    }

    private static List<NamedTensor> CheckTensors(IEnumerable<NamedTensor> tensors)
    {
        var list = new List<NamedTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (NamedTensor? t in tensors)
        {
            if (t is null || t.Name is null || t.Shape is null || t.Data is null)
            {
                throw new ArgumentException("A tensor, its name, shape or data is null.", nameof(tensors));
            }

            if (t.Name.Length == 0 || t.Name == MetadataKey)
            {
                throw new ArgumentException($"A tensor may not be named '{t.Name}'.", nameof(tensors));
            }

            if (!names.Add(t.Name))
            {
                throw new ArgumentException($"Tensor '{t.Name}' is given twice.", nameof(tensors));
            }

            long count = 1;
            foreach (int d in t.Shape)
            {
                if (d < 0)
                {
                    throw new ArgumentException($"Tensor '{t.Name}' has a negative dimension in its shape {t.ShapeText}.", nameof(tensors));
                }

                count = d == 0 ? 0 : count > long.MaxValue / d ? long.MaxValue : count * d;
            }

            if (count != t.Data.Length)
            {
                throw new ArgumentException($"Tensor '{t.Name}' holds {t.Data.Length} values, its shape {t.ShapeText} needs {count}.", nameof(tensors));
            }

            list.Add(t);
        }

        return list;
    }
}
