using static GenRnn.Interop.OnnxProto;

namespace GenRnn.Interop;

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
