using GenRnn.Cells;

namespace GenRnn.Interop;

public static partial class Onnx
{
    // Ops that only reshape or pass on values and may surround the recurrent node (an exported single layer has a Squeeze).
    private static readonly HashSet<string> s_passThrough = new(StringComparer.Ordinal) { "Squeeze", "Identity" };

    /// <summary>
    /// Imports the weights of an ONNX graph made of one <c>RNN</c>, <c>LSTM</c> or <c>GRU</c> node into a generated model
    /// of one recurrent layer of the same kind and sizes (no embedding, no head). Nothing of the model changes unless
    /// everything fits.
    /// </summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The ONNX file.</param>
    /// <param name="model">The model that receives the weights.</param>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model, or its node does not fit the model (kind or sizes), or a weight is NaN or infinite.</exception>
    /// <exception cref="NotSupportedException">The graph uses what GenRnn cannot run: other operators, several recurrent nodes, a reverse or bidirectional direction, clip, activations other than the defaults, layout = 1, input_forget, sequence_lens, external data.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Import<TModel>(string path, TModel model) where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        Import(path, TModel.Description, model.Parameters);
    }

    /// <summary>Imports a single-node ONNX graph into a parameter buffer laid out as <paramref name="description"/> says (see <see cref="Import{TModel}(string, TModel)"/>).</summary>
    /// <param name="path">The ONNX file.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer; unchanged on any failure.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model, does not fit the model, or holds a NaN or infinite weight.</exception>
    /// <exception cref="NotSupportedException">The graph uses what GenRnn cannot run.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Import(string path, ModelDescription description, Span<float> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(description);
        CheckBuffer(description, parameters.Length);
        long length = new FileInfo(path).Length;
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"'{path}' is {length} bytes long; GenRnn reads ONNX files of at most {Array.MaxLength} bytes.");
        }

        Import(File.ReadAllBytes(path), description, parameters, path);
    }

    /// <summary>Imports a single-node ONNX graph given as bytes (see <see cref="Import{TModel}(string, TModel)"/>).</summary>
    /// <param name="model">The bytes of the ONNX file.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer; unchanged on any failure.</param>
    /// <param name="source">What to call the data in error messages.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="InvalidDataException">The data is not a valid ONNX model, does not fit the model, or holds a NaN or infinite weight.</exception>
    /// <exception cref="NotSupportedException">The graph uses what GenRnn cannot run.</exception>
    public static void Import(ReadOnlySpan<byte> model, ModelDescription description, Span<float> parameters, string source = "ONNX data")
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(source);
        CheckBuffer(description, parameters.Length);
        List<NamedTensor> tensors = ReadSingleNode(OnnxFile.Parse(model, source), description, source);
        try
        {
            PyTorchLayout.Import(description, tensors, parameters); // checks everything before writing anything
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{source}' does not fit {description.Name}: {SafeTensors.Reason(e)}", e);
        }
    }

    private static void CheckBuffer(ModelDescription description, int length)
    {
        if (length != description.ParameterCount)
        {
            throw new ArgumentException($"Expected a buffer of {description.ParameterCount} floats, got {length}.", "parameters");
        }
    }

    // The node's weights as the model's tensors in PyTorch's names, order and layout, after checking every attribute,
    // input and size against the model.
    private static List<NamedTensor> ReadSingleNode(OnnxFile file, ModelDescription description, string source)
    {
        string where = $"'{source}'";
        long opset = -1;
        foreach ((string domain, long version) in file.Opsets)
        {
            if (domain is "" or "ai.onnx")
            {
                opset = Math.Max(opset, version);
            }
        }

        if (opset < 0)
        {
            throw new InvalidDataException($"{where} imports no version of the default ONNX operator set.");
        }

        if (opset < 7)
        {
            throw new NotSupportedException($"{where} uses ONNX opset {opset}; GenRnn imports RNN, LSTM and GRU nodes of opset 7 and later.");
        }

        OnnxGraph graph = file.Graph;
        if (graph.SparseInitializers > 0)
        {
            throw new NotSupportedException($"{where} has sparse initializers, which GenRnn does not read.");
        }

        var recurrent = graph.Nodes.Where(n => n.OpType is "RNN" or "LSTM" or "GRU").ToList();
        var others = graph.Nodes.Where(n => !(n.OpType is "RNN" or "LSTM" or "GRU") && !s_passThrough.Contains(n.OpType)).ToList();
        if (others.Count > 0 || recurrent.Count != 1)
        {
            string found = string.Join(", ", graph.Nodes.Select(n => n.Title));
            throw new NotSupportedException(
                $"{where} has the nodes [{found}]; GenRnn imports graphs of exactly one RNN, LSTM or GRU node (Squeeze and Identity nodes beside it are ignored).");
        }

        OnnxNode node = recurrent[0];
        if (node.Domain is not ("" or "ai.onnx"))
        {
            throw new NotSupportedException($"{where}: {node.Title} belongs to the operator domain '{node.Domain}', not to ONNX's.");
        }

        string what = $"{where}: {node.Title}";
        if (description.Vocabulary > 0 || description.HeadOutputs > 0 || description.Layers.Count != 1)
        {
            throw new InvalidDataException(
                $"{what} is a single recurrent layer, but {description.Name} has {description.Layers.Count} recurrent layer(s)" +
                $"{(description.Vocabulary > 0 ? ", an embedding" : "")}{(description.HeadOutputs > 0 ? ", a head" : "")}: declare a model of one [{Attribute(node.OpType)}] layer and nothing else.");
        }

        LayerDescription layer = description.Layers[0];
        long? hiddenSize = null;
        int? linearBeforeReset = null;
        foreach (OnnxAttribute a in node.Attributes)
        {
            if (a.RefAttrName.Length > 0)
            {
                throw new NotSupportedException($"{what} takes attribute '{a.Name}' from a function's attribute '{a.RefAttrName}'.");
            }

            switch (a.Name)
            {
                case "hidden_size":
                    hiddenSize = a.I;
                    break;
                case "direction":
                    if (a.S != "forward")
                    {
                        throw new NotSupportedException($"{what} runs in direction '{a.S}'; GenRnn runs forward only (no reverse or bidirectional layers).");
                    }

                    break;
                case "layout":
                    if (a.I != 0)
                    {
                        throw new NotSupportedException($"{what} has layout = {a.I} (batch first); GenRnn imports layout = 0.");
                    }

                    break;
                case "clip":
                    throw new NotSupportedException($"{what} clips its gate pre-activations at {a.F}; GenRnn's cells do not clip.");
                case "activations":
                    string[] defaults = node.OpType switch { "LSTM" => ["Sigmoid", "Tanh", "Tanh"], "GRU" => ["Sigmoid", "Tanh"], _ => ["Tanh"] };
                    if (!a.Strings.SequenceEqual(defaults, StringComparer.OrdinalIgnoreCase))
                    {
                        throw new NotSupportedException(
                            $"{what} has activations [{string.Join(", ", a.Strings)}]; GenRnn's {node.OpType} uses ONNX's defaults [{string.Join(", ", defaults)}].");
                    }

                    break;
                case "activation_alpha":
                case "activation_beta":
                    if (a.Floats.Count > 0)
                    {
                        throw new NotSupportedException($"{what} has {a.Name} [{string.Join(", ", a.Floats)}], which GenRnn's activations do not take.");
                    }

                    break;
                case "input_forget" when node.OpType == "LSTM":
                    if (a.I != 0)
                    {
                        throw new NotSupportedException($"{what} has input_forget = {a.I} (f = 1 − i); GenRnn's LSTM has an independent forget gate.");
                    }

                    break;
                case "linear_before_reset" when node.OpType == "GRU":
                    linearBeforeReset = (int)a.I;
                    break;
                default:
                    throw new NotSupportedException($"{what} has an attribute '{a.Name}' that GenRnn does not know for {node.OpType}.");
            }
        }

        // The cell the node computes, against the model's layer.
        OnnxForm? form = layer.Family.Onnx;
        if (form is { Importable: false })
        {
            throw new NotSupportedException($"{what} cannot fill {description.Name}'s layer, {layer.Cell} with {layer.LstmOptions!.Arguments()}: ONNX import reads plain LSTM, GRU and RNN nodes.");
        }

        bool cellFits = form is not null && form.Operator == node.OpType && (form.LinearBeforeReset is null || form.LinearBeforeReset == (linearBeforeReset ?? 0));
        if (!cellFits)
        {
            string onnx = node.OpType == "GRU"
                ? $"a GRU with linear_before_reset = {linearBeforeReset ?? 0} (declare [{(linearBeforeReset is null or 0 ? "Gru(i, h, ResetAfter = false)" : "Gru(i, h)")}])"
                : $"an {node.OpType}";
            throw new InvalidDataException($"{what} is {onnx}, but {description.Name}'s layer is a {layer.Cell} cell.");
        }

        if (linearBeforeReset is not (null or 0 or 1))
        {
            throw new InvalidDataException($"{what} has linear_before_reset = {linearBeforeReset}; it must be 0 or 1.");
        }

        int h = layer.HiddenSize, g = layer.GateCount, i = layer.InputSize;
        if (hiddenSize is long declared && declared != h)
        {
            throw new InvalidDataException($"{what} has hidden_size {declared}, but {description.Name}'s layer has hidden size {h}.");
        }

        if (node.Input(4).Length > 0)
        {
            throw new NotSupportedException($"{what} takes sequence_lens '{node.Input(4)}'; GenRnn runs whole sequences (leave the input out).");
        }

        foreach (int index in (int[])[5, 6])
        {
            string state = node.Input(index);
            if (state.Length > 0 && graph.Initializers.ContainsKey(state) && !graph.Inputs.Contains(state))
            {
                throw new NotSupportedException($"{what} takes a constant {(index == 5 ? "initial_h" : "initial_c")} '{state}'; in GenRnn the initial state is given with each run.");
            }
        }

        float[] w = Weight(node, 1, "W", [1, g * h, i], required: true)!;
        float[] r = Weight(node, 2, "R", [1, g * h, h], required: true)!;
        float[] b = Weight(node, 3, "B", [1, 2 * g * h], required: false) ?? new float[2 * g * h];
        float[]? p = node.OpType == "LSTM" ? Weight(node, 7, "P", [1, 3 * h], required: false) : null;

        int[] order = OnnxGates.PyTorchBlockOfOnnxBlock(layer.Family);
        var weightIh = new float[g * h * i];
        var weightHh = new float[g * h * h];
        var biasIh = new float[g * h];
        var biasHh = new float[g * h];
        OnnxGates.ToPyTorch(w, weightIh, order, h, i);
        OnnxGates.ToPyTorch(r, weightHh, order, h, h);
        OnnxGates.ToPyTorch(b.AsSpan(0, g * h), biasIh, order, h, 1);
        OnnxGates.ToPyTorch(b.AsSpan(g * h), biasHh, order, h, 1);
        var tensors = new List<NamedTensor>
        {
            new("weight_ih_l0", [g * h, i], weightIh),
            new("weight_hh_l0", [g * h, h], weightHh),
            new("bias_ih_l0", [g * h], biasIh),
            new("bias_hh_l0", [g * h], biasHh),
        };

        if (form!.Peepholes.Count > 0)
        {
            p ??= new float[3 * h]; // no P: peepholes of zero, the plain LSTM
            foreach (string peephole in layer.Family.Diagonals)
            {
                int j = form.Peepholes.ToList().IndexOf(peephole); // its block of P
                tensors.Add(new NamedTensor($"{peephole}_l0", [h], p[(j * h)..((j + 1) * h)]));
            }
        }
        else if (p is not null && p.Any(v => v != 0))
        {
            throw new InvalidDataException($"{what} has peephole weights P; declare the layer as [Lstm(i, h, Peepholes = true)] to import them.");
        }

        return tensors;

        float[]? Weight(OnnxNode n, int index, string name, long[] expected, bool required)
        {
            string input = n.Input(index);
            if (input.Length == 0)
            {
                return required ? throw new InvalidDataException($"{what} has no {name} input.") : null;
            }

            if (!graph.Initializers.TryGetValue(input, out OnnxTensor? tensor))
            {
                throw new NotSupportedException($"{what} takes {name} from '{input}', which is not an initializer; GenRnn imports weights stored in the graph.");
            }

            if (!tensor.Dims.SequenceEqual(expected))
            {
                string reason = tensor.Dims.Count == 3 && tensor.Dims[0] != 1
                    ? $" (num_directions {tensor.Dims[0]}: GenRnn runs one direction)"
                    : "";
                throw new InvalidDataException(
                    $"{what} has {name} of shape {tensor.DimsText}, but {description.Name}'s {layer.Cell} layer of input size {i} and hidden size {h} needs [{string.Join(", ", expected)}]{reason}.");
            }

            return tensor.ToFloats(source);
        }
    }

    private static string Attribute(string op) => op switch { "LSTM" => "Lstm(i, h)", "GRU" => "Gru(i, h)", _ => "Rnn(i, h)" };
}
