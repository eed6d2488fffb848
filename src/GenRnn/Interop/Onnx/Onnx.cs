using System.Reflection;
using GenRnn.Cells;
using static GenRnn.Interop.OnnxProto;

namespace GenRnn.Interop;

/// <summary>
/// Exports generated models as ONNX graphs (opset 14) and imports single ONNX RNN, LSTM and GRU nodes into them.
/// </summary>
/// <remarks>
/// <para>
/// An exported graph takes <see cref="InputName"/> [T, batch, InputSize] floats (or, for a model with an embedding,
/// <see cref="TokensName"/> [T, batch] int64 token ids) and, for each recurrent layer k, its initial state
/// <c>initial_h_l{k}</c> (and <c>initial_c_l{k}</c> for LSTMs) [1, batch, H]. It returns <see cref="OutputName"/>
/// [T, batch, OutputSize] and each layer's final state <c>final_h_l{k}</c> (<c>final_c_l{k}</c>) [1, batch, H]. T and
/// batch are symbolic, so one graph serves any sequence length and batch size.
/// </para>
/// <para>
/// Nodes: <c>Gather</c> for the embedding; per layer an <c>RNN</c>, <c>LSTM</c> or <c>GRU</c> node with the gate
/// blocks reordered into ONNX's order (LSTM i,o,f,c; GRU z,r,h), peepholes as the LSTM's <c>P</c> input (i,o,f), and
/// the GRU's reset placement as <c>linear_before_reset</c> (1 for the PyTorch GRU, 0 for Cho's), followed by a
/// <c>Squeeze</c> of the num_directions axis; then <c>MatMul</c> and <c>Add</c> for the head and <c>Tanh</c>,
/// <c>Sigmoid</c> or <c>Softmax</c> (last axis) for its activation. The 1997 LSTM without a forget gate has no ONNX
/// form. Files are written under a temporary name and then moved over the destination.
/// </para>
/// </remarks>
public static partial class Onnx
{
    /// <summary>The ONNX operator set exported graphs use.</summary>
    public const int Opset = 14;

    /// <summary>The ONNX IR version of exported files (the one that goes with opset 14).</summary>
    public const int IrVersion = 7;

    /// <summary>The float input of an exported graph, [T, batch, InputSize].</summary>
    public const string InputName = "input";

    /// <summary>The token input of an exported graph whose model has an embedding, [T, batch] int64.</summary>
    public const string TokensName = "tokens";

    /// <summary>The output of an exported graph, [T, batch, OutputSize].</summary>
    public const string OutputName = "output";

    /// <summary>The input of layer <paramref name="layer"/>'s initial hidden state, [1, batch, H].</summary>
    public static string InitialHiddenName(int layer) => $"initial_h_l{layer}";

    /// <summary>The input of LSTM layer <paramref name="layer"/>'s initial cell state, [1, batch, H].</summary>
    public static string InitialCellName(int layer) => $"initial_c_l{layer}";

    /// <summary>The output of layer <paramref name="layer"/>'s final hidden state, [1, batch, H].</summary>
    public static string FinalHiddenName(int layer) => $"final_h_l{layer}";

    /// <summary>The output of LSTM layer <paramref name="layer"/>'s final cell state, [1, batch, H].</summary>
    public static string FinalCellName(int layer) => $"final_c_l{layer}";

    /// <summary>Exports a generated model as an ONNX file.</summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="model">The model.</param>
    /// <exception cref="NotSupportedException">The model has a layer ONNX cannot express (the LSTM without a forget gate).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Export<TModel>(string path, TModel model) where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        Export(path, TModel.Description, model.Parameters);
    }

    /// <summary>Exports a model given by its description and parameters as an ONNX file.</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="NotSupportedException">The model has a layer ONNX cannot express.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Export(string path, ModelDescription description, ReadOnlySpan<float> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Serialize(description, parameters);
        AtomicFile.Write(path, bytes);
    }

    /// <summary>A generated model as the bytes of an ONNX file.</summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="model">The model.</param>
    /// <exception cref="NotSupportedException">The model has a layer ONNX cannot express.</exception>
    public static byte[] Serialize<TModel>(TModel model) where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        return Serialize(TModel.Description, model.Parameters);
    }

    /// <summary>A model given by its description and parameters as the bytes of an ONNX file.</summary>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="NotSupportedException">The model has a layer ONNX cannot express.</exception>
    public static byte[] Serialize(ModelDescription description, ReadOnlySpan<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException($"Expected a buffer of {description.ParameterCount} floats, got {parameters.Length}.", nameof(parameters));
        }

        for (int k = 0; k < description.Layers.Count; k++)
        {
            if (description.Layers[k].Family.NoOnnxReason is string reason)
            {
                throw new NotSupportedException($"{description.Name} cannot be exported to ONNX: layer {k} is {reason}.");
            }
        }

        Dictionary<string, NamedTensor> tensors = PyTorchLayout.Export(description, parameters).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var graph = new ProtoWriter();
        var nodes = new List<ProtoWriter>();
        var initializers = new List<ProtoWriter>();
        var inputs = new List<ProtoWriter>();
        var outputs = new List<ProtoWriter>();
        const string T = "sequence", Batch = "batch";

        string x;
        if (description.Vocabulary > 0)
        {
            inputs.Add(Value(TokensName, DataInt64, T, Batch));
            initializers.Add(FloatTensor("embedding.weight", [description.Vocabulary, description.EmbeddingDimensions], tensors["embedding.weight"].Data));
            nodes.Add(Node("Gather", "embedding", ["embedding.weight", TokensName], ["embedded"], IntAttribute("axis", 0)));
            x = "embedded";
        }
        else
        {
            inputs.Add(Value(InputName, DataFloat, T, Batch, description.Layers[0].InputSize));
            x = InputName;
        }

        initializers.Add(Int64Tensor("num_directions_axis", [1], [1]));
        bool head = description.HeadOutputs > 0;
        for (int k = 0; k < description.Layers.Count; k++)
        {
            LayerDescription layer = description.Layers[k];
            // ONNX's blocks (g of them) may outnumber the layer's: CIFG's forget block is written as zeros.
            int[] order = OnnxGates.PyTorchBlockOfOnnxBlock(layer.Family);
            int h = layer.HiddenSize, g = order.Length, i = layer.InputSize;
            var w = new float[g * h * i];
            var r = new float[g * h * h];
            var b = new float[2 * g * h];
            OnnxGates.ToOnnx(tensors[$"weight_ih_l{k}"].Data, w, order, h, i);
            OnnxGates.ToOnnx(tensors[$"weight_hh_l{k}"].Data, r, order, h, h);
            OnnxGates.ToOnnx(tensors[$"bias_ih_l{k}"].Data, b.AsSpan(0, g * h), order, h, 1);
            OnnxGates.ToOnnx(tensors[$"bias_hh_l{k}"].Data, b.AsSpan(g * h), order, h, 1);
            initializers.Add(FloatTensor($"W_l{k}", [1, g * h, i], w));
            initializers.Add(FloatTensor($"R_l{k}", [1, g * h, h], r));
            initializers.Add(FloatTensor($"B_l{k}", [1, 2 * g * h], b));

            var nodeInputs = new List<string> { x, $"W_l{k}", $"R_l{k}", $"B_l{k}", "", InitialHiddenName(k) };
            var nodeOutputs = new List<string> { $"Y_l{k}", FinalHiddenName(k) };
            inputs.Add(Value(InitialHiddenName(k), DataFloat, 1, Batch, h));
            var attributes = new List<ProtoWriter> { IntAttribute("hidden_size", h) };
            OnnxForm onnx = layer.Family.Onnx!;
            string op = onnx.Operator;
            if (onnx.LinearBeforeReset is int linearBeforeReset)
            {
                attributes.Add(IntAttribute("linear_before_reset", linearBeforeReset));
            }

            if (onnx.InputForget)
            {
                attributes.Add(IntAttribute("input_forget", 1));
            }

            if (onnx.Activations is IReadOnlyList<string> activations)
            {
                // alpha and beta are consumed in order by the functions that take them: here only Affine, as 1·x + 0.
                int affine = activations.Count(a => a == "Affine");
                attributes.Add(StringsAttribute("activations", activations));
                attributes.Add(FloatsAttribute("activation_alpha", Enumerable.Repeat(1f, affine)));
                attributes.Add(FloatsAttribute("activation_beta", Enumerable.Repeat(0f, affine)));
            }

            if (layer.Family.HasCellState)
            {
                nodeInputs.Add(InitialCellName(k));
                nodeOutputs.Add(FinalCellName(k));
                inputs.Add(Value(InitialCellName(k), DataFloat, 1, Batch, h));
            }

            if (onnx.Peepholes.Count > 0)
            {
                // ONNX's P input is one [1, 3H] tensor with the peepholes in its own order.
                var p = new float[onnx.Peepholes.Count * h];
                for (int j = 0; j < onnx.Peepholes.Count; j++)
                {
                    if (onnx.Peepholes[j].Length > 0)
                    {
                        tensors[$"{onnx.Peepholes[j]}_l{k}"].Data.CopyTo(p, j * h);
                    }
                }

                initializers.Add(FloatTensor($"P_l{k}", [1, p.Length], p));
                nodeInputs.Add($"P_l{k}");
            }

            nodes.Add(Node(op, $"{op.ToLowerInvariant()}_l{k}", [.. nodeInputs], [.. nodeOutputs], [.. attributes]));
            string squeezed = k == description.Layers.Count - 1 && !head ? OutputName : $"y_l{k}";
            nodes.Add(Node("Squeeze", $"squeeze_l{k}", [$"Y_l{k}", "num_directions_axis"], [squeezed]));
            x = squeezed;
        }

        if (head)
        {
            int c = description.HeadOutputs, h = description.Layers[^1].HiddenSize;
            float[] weight = tensors["head.weight"].Data; // [C][H]
            var transposed = new float[h * c];
            for (int row = 0; row < c; row++)
            {
                for (int column = 0; column < h; column++)
                {
                    transposed[column * c + row] = weight[row * h + column];
                }
            }

            initializers.Add(FloatTensor("head.weight_transposed", [h, c], transposed));
            initializers.Add(FloatTensor("head.bias", [c], tensors["head.bias"].Data));
            nodes.Add(Node("MatMul", "head_matmul", [x, "head.weight_transposed"], ["head_product"]));
            string logits = description.HeadActivation == Activation.Identity ? OutputName : "head_logits";
            nodes.Add(Node("Add", "head_add", ["head_product", "head.bias"], [logits]));
            switch (description.HeadActivation)
            {
                case Activation.Tanh:
                    nodes.Add(Node("Tanh", "head_tanh", [logits], [OutputName]));
                    break;
                case Activation.Sigmoid:
                    nodes.Add(Node("Sigmoid", "head_sigmoid", [logits], [OutputName]));
                    break;
                case Activation.Softmax:
                    nodes.Add(Node("Softmax", "head_softmax", [logits], [OutputName], IntAttribute("axis", -1)));
                    break;
                case Activation.Identity:
                    break;
                default:
                    throw new NotSupportedException($"{description.Name} has a head activation {description.HeadActivation} that GenRnn cannot export.");
            }
        }

        int outputSize = head ? description.HeadOutputs : description.Layers[^1].HiddenSize;
        outputs.Add(Value(OutputName, DataFloat, T, Batch, outputSize));
        for (int k = 0; k < description.Layers.Count; k++)
        {
            outputs.Add(Value(FinalHiddenName(k), DataFloat, 1, Batch, description.Layers[k].HiddenSize));
            if (description.Layers[k].HasCellState)
            {
                outputs.Add(Value(FinalCellName(k), DataFloat, 1, Batch, description.Layers[k].HiddenSize));
            }
        }

        foreach (ProtoWriter node in nodes)
        {
            graph.Message(GraphNode, node);
        }

        graph.String(GraphName, GraphNameOf(description));
        foreach (ProtoWriter initializer in initializers)
        {
            graph.Message(GraphInitializer, initializer);
        }

        foreach (ProtoWriter input in inputs)
        {
            graph.Message(GraphInput, input);
        }

        foreach (ProtoWriter output in outputs)
        {
            graph.Message(GraphOutput, output);
        }

        var model = new ProtoWriter()
            .Varint(ModelIrVersion, IrVersion)
            .String(ModelProducerName, Producer)
            .String(ModelProducerVersion, ProducerVersion)
            .String(ModelDocString, $"{description.Name}, exported by GenRnn.")
            .Message(ModelGraph, graph)
            .Message(ModelOpsetImport, new ProtoWriter().String(OpsetDomain, "").Varint(OpsetVersion, Opset))
            .Message(ModelMetadataProps, new ProtoWriter().String(EntryKey, ModelMetadataKey).String(EntryValue, description.Name));
        return model.Written.ToArray();
    }

    // The producer_name of exported files; import requires ModelMetadataKey (the last field written) in such files.
    internal const string Producer = "GenRnn";

    // The metadata entry holding the model's name.
    internal const string ModelMetadataKey = "genrnn.model";

    private static string GraphNameOf(ModelDescription description)
    {
        int dot = description.Name.LastIndexOf('.');
        return dot < 0 ? description.Name : description.Name[(dot + 1)..];
    }

    private static string ProducerVersion
        => typeof(Onnx).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
}
