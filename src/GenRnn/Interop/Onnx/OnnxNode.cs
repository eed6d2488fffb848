using static GenRnn.Interop.OnnxProto;

namespace GenRnn.Interop;

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
