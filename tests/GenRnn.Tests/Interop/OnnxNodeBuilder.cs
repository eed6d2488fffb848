using GenRnn.Interop;
using static GenRnn.Interop.OnnxProto;

namespace GenRnn.Tests.Interop;

/// <summary>
/// Builds single-node ONNX models (RNN, LSTM or GRU, batch 1, X [T][1][I]) with any attributes and inputs, valid or
/// not, with GenRnn's protobuf writer (itself checked by ONNX Runtime in <see cref="OnnxExportTests"/>).
/// </summary>
internal sealed class OnnxNodeBuilder
{
    public OnnxNodeBuilder(string op, int input, int hidden, int seed = 1)
    {
        Op = op;
        InputSize = input;
        Hidden = hidden;
        int g = Gates;
        W = Training.TestData.Uniform(g * hidden * input, seed, -0.7f, 0.7f);
        R = Training.TestData.Uniform(g * hidden * hidden, seed + 1, -0.7f, 0.7f);
        B = Training.TestData.Uniform(2 * g * hidden, seed + 2, -0.5f, 0.5f);
        Attributes.Add(IntAttribute("hidden_size", hidden));
    }

    public string Op { get; }

    public int InputSize { get; }

    public int Hidden { get; }

    public int Gates => Op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };

    public float[] W { get; set; }

    public float[] R { get; set; }

    public float[]? B { get; set; }

    public float[]? P { get; set; }

    public long[]? WDims { get; set; }

    public int Opset { get; set; } = 14;

    public string SequenceLens { get; set; } = "";

    /// <summary>Whether W is stored in float_data rather than raw_data.</summary>
    public bool WAsFloatData { get; set; }

    public List<ProtoWriter> Attributes { get; } = [];

    public List<ProtoWriter> ExtraNodes { get; } = [];

    public int RecurrentNodes { get; set; } = 1;

    public OnnxNodeBuilder Attribute(ProtoWriter attribute)
    {
        Attributes.Add(attribute);
        return this;
    }

    public static ProtoWriter Strings(string name, params string[] values)
    {
        var a = new ProtoWriter().String(AttributeName, name).Varint(AttributeType, TypeStrings);
        foreach (string v in values)
        {
            a.String(AttributeStrings, v);
        }

        return a;
    }

    public static ProtoWriter FloatAttribute(string name, float value)
        => new ProtoWriter().String(AttributeName, name).Float(AttributeF, value).Varint(AttributeType, TypeFloat);

    public byte[] Build()
    {
        int g = Gates, h = Hidden, i = InputSize;
        var graph = new ProtoWriter();
        bool lstm = Op == "LSTM";
        for (int n = 0; n < RecurrentNodes; n++)
        {
            var inputs = new List<string> { n == 0 ? "X" : "Y0", "W", "R", B is null ? "" : "B", SequenceLens, "initial_h" };
            if (lstm)
            {
                inputs.Add("initial_c");
                if (P is not null)
                {
                    inputs.Add("P");
                }
            }

            var outputs = new List<string> { n == 0 ? "Y" : $"Y{n}", n == 0 ? "Y_h" : $"Y_h{n}" };
            if (lstm)
            {
                outputs.Add(n == 0 ? "Y_c" : $"Y_c{n}");
            }

            graph.Message(GraphNode, Node(Op, $"node{n}", [.. inputs], [.. outputs], [.. Attributes]));
        }

        foreach (ProtoWriter node in ExtraNodes)
        {
            graph.Message(GraphNode, node);
        }

        graph.String(GraphName, "test");
        if (WAsFloatData)
        {
            var w = new ProtoWriter().PackedInt64(TensorDims, WDims ?? [1, g * h, i]).Varint(TensorDataType, DataFloat).String(TensorName, "W");
            // float_data unpacked: one fixed32 field per value (parsers must accept both encodings).
            foreach (float v in W)
            {
                w.Float(TensorFloatData, v);
            }

            graph.Message(GraphInitializer, w);
        }
        else
        {
            graph.Message(GraphInitializer, FloatTensor("W", WDims ?? [1, g * h, i], W));
        }

        graph.Message(GraphInitializer, FloatTensor("R", [1, g * h, h], R));
        if (B is not null)
        {
            graph.Message(GraphInitializer, FloatTensor("B", [1, 2 * g * h], B));
        }

        if (P is not null)
        {
            graph.Message(GraphInitializer, FloatTensor("P", [1, 3 * h], P));
        }

        graph.Message(GraphInput, Value("X", DataFloat, "T", 1, i));
        graph.Message(GraphInput, Value("initial_h", DataFloat, 1, 1, h));
        if (lstm)
        {
            graph.Message(GraphInput, Value("initial_c", DataFloat, 1, 1, h));
        }

        graph.Message(GraphOutput, Value("Y", DataFloat, "T", 1, 1, h));
        graph.Message(GraphOutput, Value("Y_h", DataFloat, 1, 1, h));
        if (lstm)
        {
            graph.Message(GraphOutput, Value("Y_c", DataFloat, 1, 1, h));
        }

        return new ProtoWriter()
            .Varint(ModelIrVersion, 7)
            .String(ModelProducerName, "test")
            .Message(ModelGraph, graph)
            .Message(ModelOpsetImport, new ProtoWriter().String(OpsetDomain, "").Varint(OpsetVersion, Opset))
            .Written.ToArray();
    }
}
