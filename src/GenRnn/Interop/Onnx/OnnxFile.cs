using System.Buffers.Binary;
using static GenRnn.Interop.OnnxProto;

namespace GenRnn.Interop;

/// <summary>The parts of an ONNX ModelProto that import reads: IR version, operator sets and the main graph.</summary>
internal sealed class OnnxFile
{
    public long IrVersion { get; private set; }

    public List<(string Domain, long Version)> Opsets { get; } = [];

    public OnnxGraph Graph { get; private set; } = new();

    /// <summary>
    /// Parses a ModelProto and checks that it has what every model has: <c>ir_version</c>, an <c>opset_import</c> and a
    /// <c>graph</c>, and, for a file GenRnn wrote, the <c>genrnn.model</c> metadata entry it writes last.
    /// </summary>
    /// <remarks>
    /// Protobuf has no end marker, so a file cut between two top-level fields parses; only a required field that is
    /// missing shows it. Every field GenRnn writes comes before its metadata entry, so every truncation of a GenRnn
    /// export lacks it; for other producers, what is caught is a cut inside a field or before a required one.
    /// </remarks>
    public static OnnxFile Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var file = new OnnxFile();
        bool hasGraph = false, hasIrVersion = false, hasGenRnnEntry = false;
        string producer = "";
        var reader = new ProtoReader(bytes, "ModelProto", source);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case ModelIrVersion:
                    reader.Expect(wire, 0, "ir_version");
                    file.IrVersion = (long)reader.Varint();
                    hasIrVersion = true;
                    break;
                case ModelProducerName:
                    reader.Expect(wire, 2, "producer_name");
                    producer = reader.String();
                    break;
                case ModelMetadataProps:
                    reader.Expect(wire, 2, "metadata_props");
                    hasGenRnnEntry |= IsGenRnnEntry(reader.Bytes(), source);
                    break;
                case ModelOpsetImport:
                    reader.Expect(wire, 2, "opset_import");
                    file.Opsets.Add(ParseOpset(reader.Bytes(), source));
                    break;
                case ModelGraph:
                    reader.Expect(wire, 2, "graph");
                    file.Graph = OnnxGraph.Parse(reader.Bytes(), source);
                    hasGraph = true;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (!hasGraph)
        {
            throw new InvalidDataException($"'{source}' is not an ONNX model: it has no graph.");
        }

        if (!hasIrVersion || file.Opsets.Count == 0)
        {
            throw new InvalidDataException($"'{source}' is not a valid ONNX file: it has no {(hasIrVersion ? "opset_import" : "ir_version")} (truncated?).");
        }

        if (producer == Onnx.Producer && !hasGenRnnEntry)
        {
            throw new InvalidDataException(
                $"'{source}' is not a valid ONNX file: it was written by GenRnn but lacks the metadata entry '{Onnx.ModelMetadataKey}' GenRnn writes last (truncated?).");
        }

        return file;
    }

    private static bool IsGenRnnEntry(ReadOnlySpan<byte> bytes, string source)
    {
        var reader = new ProtoReader(bytes, "StringStringEntryProto", source);
        bool found = false;
        while (reader.Next(out int field, out int wire))
        {
            if (field == EntryKey)
            {
                reader.Expect(wire, 2, "key");
                found = reader.String() == Onnx.ModelMetadataKey;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return found;
    }

    private static (string, long) ParseOpset(ReadOnlySpan<byte> bytes, string source)
    {
        string domain = "";
        long version = 0;
        var reader = new ProtoReader(bytes, "OperatorSetIdProto", source);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case OpsetDomain:
                    reader.Expect(wire, 2, "domain");
                    domain = reader.String();
                    break;
                case OpsetVersion:
                    reader.Expect(wire, 0, "version");
                    version = (long)reader.Varint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (domain, version);
    }
}

/// <summary>A GraphProto: nodes, initializers, and the names of the inputs and outputs.</summary>
internal sealed class OnnxGraph
{
    public List<OnnxNode> Nodes { get; } = [];

    public Dictionary<string, OnnxTensor> Initializers { get; } = new(StringComparer.Ordinal);

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public int SparseInitializers { get; private set; }

    public static OnnxGraph Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var graph = new OnnxGraph();
        var reader = new ProtoReader(bytes, "GraphProto", source);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case GraphNode:
                    reader.Expect(wire, 2, "node");
                    graph.Nodes.Add(OnnxNode.Parse(reader.Bytes(), source));
                    break;
                case GraphInitializer:
                    reader.Expect(wire, 2, "initializer");
                    OnnxTensor tensor = OnnxTensor.Parse(reader.Bytes(), source);
                    if (!graph.Initializers.TryAdd(tensor.Name, tensor))
                    {
                        throw new InvalidDataException($"'{source}' is not a valid ONNX file: its graph has two initializers named '{tensor.Name}'.");
                    }

                    break;
                case GraphSparseInitializer:
                    reader.Skip(wire);
                    graph.SparseInitializers++;
                    break;
                case GraphInput:
                case GraphOutput:
                    reader.Expect(wire, 2, field == GraphInput ? "input" : "output");
                    string name = ValueName(reader.Bytes(), source);
                    (field == GraphInput ? graph.Inputs : graph.Outputs).Add(name);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return graph;
    }

    private static string ValueName(ReadOnlySpan<byte> bytes, string source)
    {
        string name = "";
        var reader = new ProtoReader(bytes, "ValueInfoProto", source);
        while (reader.Next(out int field, out int wire))
        {
            if (field == OnnxProto.ValueName)
            {
                reader.Expect(wire, 2, "name");
                name = reader.String();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return name;
    }
}

/// <summary>A NodeProto.</summary>
internal sealed class OnnxNode
{
    public string OpType { get; private set; } = "";

    public string Name { get; private set; } = "";

    public string Domain { get; private set; } = "";

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public List<OnnxAttribute> Attributes { get; } = [];

    /// <summary>The node as messages name it: <c>LSTM 'lstm_l0'</c>.</summary>
    public string Title => Name.Length == 0 ? OpType : $"{OpType} '{Name}'";

    /// <summary>The input at <paramref name="index"/>, or empty when it is absent (not given, or given as "").</summary>
    public string Input(int index) => index < Inputs.Count ? Inputs[index] : "";

    public static OnnxNode Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var node = new OnnxNode();
        var reader = new ProtoReader(bytes, "NodeProto", source);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case NodeInput:
                    reader.Expect(wire, 2, "input");
                    node.Inputs.Add(reader.String());
                    break;
                case NodeOutput:
                    reader.Expect(wire, 2, "output");
                    node.Outputs.Add(reader.String());
                    break;
                case NodeName:
                    reader.Expect(wire, 2, "name");
                    node.Name = reader.String();
                    break;
                case NodeOpType:
                    reader.Expect(wire, 2, "op_type");
                    node.OpType = reader.String();
                    break;
                case NodeDomain:
                    reader.Expect(wire, 2, "domain");
                    node.Domain = reader.String();
                    break;
                case NodeAttribute:
                    reader.Expect(wire, 2, "attribute");
                    node.Attributes.Add(OnnxAttribute.Parse(reader.Bytes(), source));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return node;
    }
}

/// <summary>An AttributeProto (the kinds RNN, LSTM and GRU nodes use; tensors and graphs are only noted).</summary>
internal sealed class OnnxAttribute
{
    public string Name { get; private set; } = "";

    public int Type { get; private set; }

    public float F { get; private set; }

    public long I { get; private set; }

    public string S { get; private set; } = "";

    public List<float> Floats { get; } = [];

    public List<long> Ints { get; } = [];

    public List<string> Strings { get; } = [];

    public string RefAttrName { get; private set; } = "";

    public bool HasOtherValue { get; private set; }

    public static OnnxAttribute Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var a = new OnnxAttribute();
        var reader = new ProtoReader(bytes, "AttributeProto", source);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case AttributeName:
                    reader.Expect(wire, 2, "name");
                    a.Name = reader.String();
                    break;
                case AttributeType:
                    reader.Expect(wire, 0, "type");
                    a.Type = (int)reader.Varint();
                    break;
                case AttributeF:
                    reader.Expect(wire, 5, "f");
                    a.F = reader.Fixed32Float();
                    break;
                case AttributeI:
                    reader.Expect(wire, 0, "i");
                    a.I = (long)reader.Varint();
                    break;
                case AttributeS:
                    reader.Expect(wire, 2, "s");
                    a.S = reader.String();
                    break;
                case AttributeFloats:
                    reader.Floats(wire, a.Floats);
                    break;
                case AttributeInts:
                    reader.Int64s(wire, a.Ints);
                    break;
                case AttributeStrings:
                    reader.Expect(wire, 2, "strings");
                    a.Strings.Add(reader.String());
                    break;
                case AttributeRefName:
                    reader.Expect(wire, 2, "ref_attr_name");
                    a.RefAttrName = reader.String();
                    break;
                case AttributeT:
                case AttributeG:
                    reader.Skip(wire);
                    a.HasOtherValue = true;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return a;
    }
}

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
