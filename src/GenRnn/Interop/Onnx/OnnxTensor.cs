using System.Buffers.Binary;
using static GenRnn.Interop.OnnxProto;

namespace GenRnn.Interop;

/// <summary>A TensorProto: its name, dims, data type and data in whichever field holds it.</summary>
internal sealed class OnnxTensor
{
    public string Name { get; private set; } = "";

    public List<long> Dims { get; } = [];

    public int DataType { get; private set; }

    public byte[]? Raw { get; private set; }

    public List<float> FloatData { get; } = [];

    public List<double> DoubleData { get; } = [];

    public List<long> Int32Data { get; } = [];

    public bool External { get; private set; }

    public bool Segmented { get; private set; }

    /// <summary>The dims as text, e.g. <c>[1, 128, 8]</c>.</summary>
    public string DimsText => "[" + string.Join(", ", Dims) + "]";

    public static OnnxTensor Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var t = new OnnxTensor();
        var reader = new ProtoReader(bytes, "TensorProto", source);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case TensorDims:
                    reader.Int64s(wire, t.Dims);
                    break;
                case TensorDataType:
                    reader.Expect(wire, 0, "data_type");
                    t.DataType = (int)reader.Varint();
                    break;
                case TensorName:
                    reader.Expect(wire, 2, "name");
                    t.Name = reader.String();
                    break;
                case TensorRawData:
                    reader.Expect(wire, 2, "raw_data");
                    t.Raw = reader.Bytes().ToArray();
                    break;
                case TensorFloatData:
                    reader.Floats(wire, t.FloatData);
                    break;
                case TensorDoubleData:
                    reader.Doubles(wire, t.DoubleData);
                    break;
                case TensorInt32Data:
                    reader.Int64s(wire, t.Int32Data);
                    break;
                case TensorDataLocation:
                    reader.Expect(wire, 0, "data_location");
                    t.External |= reader.Varint() == 1;
                    break;
                case TensorExternalData:
                    reader.Skip(wire);
                    t.External = true;
                    break;
                case TensorSegment:
                    reader.Skip(wire);
                    t.Segmented = true;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return t;
    }

    /// <summary>The elements as floats (FLOAT, DOUBLE, FLOAT16 or BFLOAT16 tensors), checked against the dims.</summary>
    public float[] ToFloats(string source)
    {
        string what = $"'{source}': initializer '{Name}'";
        if (External || Segmented)
        {
            throw new NotSupportedException($"{what} keeps its data {(External ? "in an external file" : "in segments")}; GenRnn reads initializers stored in the model file.");
        }

        long count = 1;
        foreach (long d in Dims)
        {
            if (d < 0)
            {
                throw new InvalidDataException($"{what} has a negative dimension in {DimsText}.");
            }

            count *= d;
            if (count > Array.MaxLength)
            {
                throw new InvalidDataException($"{what} of shape {DimsText} has more elements than an array can hold.");
            }
        }

        int size = DataType switch
        {
            DataFloat => 4,
            DataDouble => 8,
            DataFloat16 or DataBFloat16 => 2,
            _ => throw new NotSupportedException($"{what} has ONNX data type {DataType}; GenRnn reads FLOAT (1), DOUBLE (11), FLOAT16 (10) and BFLOAT16 (16)."),
        };

        var values = new float[count];
        if (Raw is not null)
        {
            if (Raw.Length != count * size)
            {
                throw new InvalidDataException($"{what} of shape {DimsText} needs {count * size} bytes of raw_data, it has {Raw.Length}.");
            }

            for (int i = 0; i < values.Length; i++)
            {
                ReadOnlySpan<byte> b = Raw.AsSpan(i * size, size);
                values[i] = DataType switch
                {
                    DataFloat => BinaryPrimitives.ReadSingleLittleEndian(b),
                    DataDouble => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                    DataFloat16 => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
                    _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                };
            }

            return values;
        }

        int given = DataType switch
        {
            DataFloat => FloatData.Count,
            DataDouble => DoubleData.Count,
            _ => Int32Data.Count,
        };
        if (given != count)
        {
            throw new InvalidDataException($"{what} of shape {DimsText} needs {count} values, it holds {given}.");
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = DataType switch
            {
                DataFloat => FloatData[i],
                DataDouble => (float)DoubleData[i],
                DataFloat16 => (float)BitConverter.UInt16BitsToHalf((ushort)Int32Data[i]),
                _ => BitConverter.Int32BitsToSingle((int)((uint)(ushort)Int32Data[i] << 16)),
            };
        }

        return values;
    }
}
