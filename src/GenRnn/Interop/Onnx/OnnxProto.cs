using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace GenRnn.Interop;

/// <summary>
/// Field numbers of the ONNX protobuf messages (onnx.proto, IR version 7) that GenRnn writes and reads, and builders
/// for the messages it exports.
/// </summary>
internal static class OnnxProto
{
    // ModelProto
    public const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelDomain = 4, ModelVersion = 5,
        ModelDocString = 6, ModelGraph = 7, ModelOpsetImport = 8, ModelMetadataProps = 14;

    // OperatorSetIdProto, StringStringEntryProto
    public const int OpsetDomain = 1, OpsetVersion = 2, EntryKey = 1, EntryValue = 2;

    // GraphProto
    public const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphDocString = 10, GraphInput = 11, GraphOutput = 12,
        GraphValueInfo = 13, GraphSparseInitializer = 15;

    // NodeProto
    public const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDocString = 6, NodeDomain = 7;

    // AttributeProto and its types
    public const int AttributeName = 1, AttributeF = 2, AttributeI = 3, AttributeS = 4, AttributeT = 5, AttributeG = 6,
        AttributeFloats = 7, AttributeInts = 8, AttributeStrings = 9, AttributeType = 20, AttributeRefName = 21;

    public const int TypeFloat = 1, TypeInt = 2, TypeString = 3, TypeFloats = 6, TypeInts = 7, TypeStrings = 8;

    // TensorProto and its data types
    public const int TensorDims = 1, TensorDataType = 2, TensorSegment = 3, TensorFloatData = 4, TensorInt32Data = 5,
        TensorInt64Data = 7, TensorName = 8, TensorRawData = 9, TensorDoubleData = 10, TensorExternalData = 13, TensorDataLocation = 14;

    public const int DataFloat = 1, DataInt64 = 7, DataFloat16 = 10, DataDouble = 11, DataBFloat16 = 16;

    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    public const int ValueName = 1, ValueType = 2, TypeTensor = 1, TensorElemType = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1, DimParam = 2;

    /// <summary>A float tensor (raw little-endian data).</summary>
    public static ProtoWriter FloatTensor(string name, long[] dims, ReadOnlySpan<float> data)
    {
        var t = new ProtoWriter().PackedInt64(TensorDims, dims).Varint(TensorDataType, DataFloat).String(TensorName, name);
        if (BitConverter.IsLittleEndian)
        {
            t.Bytes(TensorRawData, MemoryMarshal.AsBytes(data));
        }
        else
        {
            var raw = new byte[4 * data.Length];
            for (int i = 0; i < data.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), data[i]);
            }

            t.Bytes(TensorRawData, raw);
        }

        return t;
    }

    /// <summary>An int64 tensor (raw little-endian data).</summary>
    public static ProtoWriter Int64Tensor(string name, long[] dims, ReadOnlySpan<long> data)
    {
        var raw = new byte[8 * data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(8 * i), data[i]);
        }

        return new ProtoWriter().PackedInt64(TensorDims, dims).Varint(TensorDataType, DataInt64).String(TensorName, name).Bytes(TensorRawData, raw);
    }

    /// <summary>A graph input or output: a tensor of <paramref name="elementType"/> whose dimensions are numbers or symbolic names.</summary>
    public static ProtoWriter Value(string name, int elementType, params object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (object d in dims)
        {
            var dim = new ProtoWriter();
            if (d is string param)
            {
                dim.String(DimParam, param);
            }
            else
            {
                dim.Varint(DimValue, System.Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture));
            }

            shape.Message(ShapeDim, dim);
        }

        var tensor = new ProtoWriter().Varint(TensorElemType, elementType).Message(TensorShape, shape);
        var type = new ProtoWriter().Message(TypeTensor, tensor);
        return new ProtoWriter().String(ValueName, name).Message(ValueType, type);
    }

    /// <summary>A node of the default domain.</summary>
    public static ProtoWriter Node(string opType, string name, string[] inputs, string[] outputs, params ProtoWriter[] attributes)
    {
        var node = new ProtoWriter();
        foreach (string input in inputs)
        {
            node.String(NodeInput, input);
        }

        foreach (string output in outputs)
        {
            node.String(NodeOutput, output);
        }

        node.String(NodeName, name).String(NodeOpType, opType);
        foreach (ProtoWriter attribute in attributes)
        {
            node.Message(NodeAttribute, attribute);
        }

        return node;
    }

    /// <summary>An int attribute.</summary>
    public static ProtoWriter IntAttribute(string name, long value)
        => new ProtoWriter().String(AttributeName, name).Varint(AttributeI, value).Varint(AttributeType, TypeInt);

    /// <summary>A list of strings attribute.</summary>
    public static ProtoWriter StringsAttribute(string name, IEnumerable<string> values)
    {
        var attribute = new ProtoWriter().String(AttributeName, name);
        foreach (string value in values)
        {
            attribute.String(AttributeStrings, value);
        }

        return attribute.Varint(AttributeType, TypeStrings);
    }

    /// <summary>A list of floats attribute (unpacked, as proto2 writes it).</summary>
    public static ProtoWriter FloatsAttribute(string name, IEnumerable<float> values)
    {
        var attribute = new ProtoWriter().String(AttributeName, name);
        foreach (float value in values)
        {
            attribute.Float(AttributeFloats, value);
        }

        return attribute.Varint(AttributeType, TypeFloats);
    }

    /// <summary>A string attribute.</summary>
    public static ProtoWriter StringAttribute(string name, string value)
        => new ProtoWriter().String(AttributeName, name).String(AttributeS, value).Varint(AttributeType, TypeString);
}
