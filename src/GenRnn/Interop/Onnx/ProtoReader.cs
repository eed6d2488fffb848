using System.Buffers.Binary;
using System.Text;

namespace GenRnn.Interop;

/// <summary>
/// Reads protocol buffers messages field by field, checking every length against the data, so a truncated or
/// damaged file is an <see cref="InvalidDataException"/> rather than a wrong value or an exception from deep inside.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _message;
    private readonly string _source;
    private int _position;

    /// <summary>A reader of one message.</summary>
    /// <param name="data">The message's bytes.</param>
    /// <param name="message">The message's type, for errors.</param>
    /// <param name="source">The file, for errors.</param>
    public ProtoReader(ReadOnlySpan<byte> data, string message, string source)
    {
        _data = data;
        _message = message;
        _source = source;
        _position = 0;
    }

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (_position >= _data.Length)
        {
            field = wireType = 0;
            return false;
        }

        ulong tag = Varint();
        field = (int)Math.Min(tag >> 3, int.MaxValue);
        wireType = (int)(tag & 7);
        if (field == 0)
        {
            throw Damaged("a field number 0");
        }

        return true;
    }

    /// <summary>A varint field's value.</summary>
    public ulong Varint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Damaged("a varint cut off by the end of the data");
            }

            byte b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Damaged("a varint longer than 10 bytes");
    }

    /// <summary>A length-delimited field's bytes.</summary>
    public ReadOnlySpan<byte> Bytes()
    {
        ulong length = Varint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Damaged($"a field of {length} bytes where only {_data.Length - _position} remain (truncated?)");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    /// <summary>A string field (UTF-8).</summary>
    public string String()
    {
        ReadOnlySpan<byte> bytes = Bytes();
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Damaged("a string that is not valid UTF-8");
        }
    }

    /// <summary>A fixed 32-bit field (float).</summary>
    public float Fixed32Float() => BinaryPrimitives.ReadSingleLittleEndian(Fixed(4));

    /// <summary>A fixed 64-bit field (double).</summary>
    public double Fixed64Double() => BinaryPrimitives.ReadDoubleLittleEndian(Fixed(8));

    /// <summary>Skips a field of a type the caller does not read.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                Varint();
                break;
            case 1:
                Fixed(8);
                break;
            case 2:
                Bytes();
                break;
            case 5:
                Fixed(4);
                break;
            default:
                throw Damaged($"wire type {wireType}, which no field of ONNX has");
        }
    }

    /// <summary>Reads a repeated int64 field, packed or not, into <paramref name="values"/>.</summary>
    public void Int64s(int wireType, List<long> values)
    {
        if (wireType == 0)
        {
            values.Add((long)Varint());
            return;
        }

        Expect(wireType, 2, "a repeated integer");
        var packed = new ProtoReader(Bytes(), _message, _source);
        while (packed._position < packed._data.Length)
        {
            values.Add((long)packed.Varint());
        }
    }

    /// <summary>Reads a repeated float field, packed or not, into <paramref name="values"/>.</summary>
    public void Floats(int wireType, List<float> values)
    {
        if (wireType == 5)
        {
            values.Add(Fixed32Float());
            return;
        }

        Expect(wireType, 2, "a repeated float");
        ReadOnlySpan<byte> packed = Bytes();
        if (packed.Length % 4 != 0)
        {
            throw Damaged($"packed floats of {packed.Length} bytes, not a multiple of 4");
        }

        for (int i = 0; i < packed.Length; i += 4)
        {
            values.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
        }
    }

    /// <summary>Reads a repeated double field, packed or not, into <paramref name="values"/>.</summary>
    public void Doubles(int wireType, List<double> values)
    {
        if (wireType == 1)
        {
            values.Add(Fixed64Double());
            return;
        }

        Expect(wireType, 2, "a repeated double");
        ReadOnlySpan<byte> packed = Bytes();
        if (packed.Length % 8 != 0)
        {
            throw Damaged($"packed doubles of {packed.Length} bytes, not a multiple of 8");
        }

        for (int i = 0; i < packed.Length; i += 8)
        {
            values.Add(BinaryPrimitives.ReadDoubleLittleEndian(packed[i..]));
        }
    }

    /// <summary>Throws unless a field has the wire type its schema gives.</summary>
    public readonly void Expect(int wireType, int expected, string what)
    {
        if (wireType != expected)
        {
            throw Damaged($"{what} with wire type {wireType} instead of {expected}");
        }
    }

    /// <summary>An error about this message.</summary>
    public readonly InvalidDataException Damaged(string what)
        => new($"'{_source}' is not a valid ONNX file: its {_message} has {what} (byte {_position} of {_data.Length}).");

    private ReadOnlySpan<byte> Fixed(int size)
    {
        if (_data.Length - _position < size)
        {
            throw Damaged($"a {8 * size}-bit value cut off by the end of the data");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_position, size);
        _position += size;
        return bytes;
    }
}
