using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace GenRnn.Interop;

// Reading: checks a whole file (header, then the data layout) and converts each tensor to float.
public static partial class SafeTensors
{
    /// <summary>Reads a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its tensors, converted to float, and its metadata.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file (truncated, malformed header, inconsistent offsets, ...).</exception>
    /// <exception cref="NotSupportedException">A tensor has a dtype other than F32, F16, BF16 or F64.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long length = new FileInfo(path).Length; // throws FileNotFoundException for a missing file
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"'{path}' is {length} bytes long; GenRnn reads safetensors files of at most {Array.MaxLength} bytes.");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the bytes of a safetensors file.</summary>
    /// <param name="file">The whole file.</param>
    /// <param name="source">What to call the data in error messages (a path, say).</param>
    /// <returns>Its tensors, converted to float, and its metadata.</returns>
    /// <exception cref="InvalidDataException">The data is not a valid safetensors file.</exception>
    /// <exception cref="NotSupportedException">A tensor has a dtype other than F32, F16, BF16 or F64.</exception>
    public static SafeTensorsContent Parse(ReadOnlySpan<byte> file, string source = "safetensors data")
    {
        ArgumentNullException.ThrowIfNull(source);
        string where = $"'{source}'";
        if (file.Length < 8)
        {
            throw new InvalidDataException($"{where} is truncated: it holds {file.Length} bytes, but a safetensors file starts with an 8-byte header length.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException($"{where} announces a header of {headerLength} bytes, more than the limit of {MaxHeaderLength}: it is not a safetensors file or is damaged.");
        }

        if (headerLength > (ulong)(file.Length - 8))
        {
            throw new InvalidDataException($"{where} is truncated: it announces a header of {headerLength} bytes, but only {file.Length - 8} bytes follow the header length.");
        }

        if (headerLength < 2)
        {
            throw new InvalidDataException($"{where} announces a header of {headerLength} bytes; the shortest header is '{{}}'.");
        }

        ReadOnlySpan<byte> header = file.Slice(8, (int)headerLength);
        ReadOnlySpan<byte> data = file[(8 + (int)headerLength)..];
        if (header[0] != (byte)'{')
        {
            throw new InvalidDataException($"{where} has a header that does not start with '{{' (byte 0x{header[0]:X2}): it is not a safetensors file or is damaged.");
        }

        (List<Entry> entries, Dictionary<string, string> metadata) = ParseHeader(header, where);
        CheckLayout(entries, data.Length, where);

        var tensors = new List<NamedTensor>(entries.Count);
        foreach (Entry e in entries)
        {
            tensors.Add(new NamedTensor(e.Name, e.Shape, Convert(e, data.Slice((int)e.Begin, (int)(e.End - e.Begin)), where)));
        }

        return new SafeTensorsContent(tensors, metadata);
    }

    // The tensors must tile the data exactly: sorted by offset, each begins where the previous ends, the last ends at
    // the end of the file. This rejects overlaps, gaps, offsets past the end, truncation and trailing bytes.
    private static void CheckLayout(List<Entry> entries, int dataLength, string where)
    {
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        ulong position = 0;
        string? previous = null;
        foreach (Entry e in sorted)
        {
            if (e.End > (ulong)dataLength)
            {
                throw new InvalidDataException(
                    $"{where} is truncated or damaged: tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}], but the data after the header holds only {dataLength} bytes.");
            }

            if (e.Begin < position)
            {
                throw new InvalidDataException($"{where}: the data of tensors '{previous}' and '{e.Name}' overlap (bytes {e.Begin} to {position}).");
            }

            if (e.Begin > position)
            {
                throw new InvalidDataException(
                    $"{where}: {e.Begin - position} bytes of data before tensor '{e.Name}' (from byte {position}) belong to no tensor.");
            }

            position = e.End;
            previous = e.Name;
        }

        if (position != (ulong)dataLength)
        {
            throw new InvalidDataException($"{where}: {(ulong)dataLength - position} bytes after the last tensor's data belong to no tensor.");
        }

        // Sorting keeps the data order; the list's order is the file's.
        entries.Clear();
        entries.AddRange(sorted);
    }

    private static float[] Convert(Entry e, ReadOnlySpan<byte> bytes, string where)
    {
        var values = new float[e.Count];
        switch (e.Type)
        {
            case DType.F32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
                break;
            case DType.F32:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }

                break;
            case DType.F16:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                }

                break;
            case DType.BF16:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }

                break;
            case DType.F64:
                for (int i = 0; i < values.Length; i++)
                {
                    double v = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                    float f = (float)v;
                    if (float.IsInfinity(f) && double.IsFinite(v))
                    {
                        throw new InvalidDataException($"{where}: tensor '{e.Name}' holds {v:R} at element {i}, outside float's range.");
                    }

                    values[i] = f;
                }

                break;
        }

        return values;
    }
}
