using static GenRnn.Interop.OnnxProto;

namespace GenRnn.Interop;

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
