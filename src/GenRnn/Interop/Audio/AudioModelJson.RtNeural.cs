using System.Text.Json;

namespace GenRnn.Interop.Audio;

// The format, as read from RTNeural (github.com/jatinchowdhury18/RTNeural): RTNeural/model_loader.h (json_parser::
// parseJson, createLSTM, createGRU, createDense), python/model_utils.py (save_model_json: Keras's get_weights()) and
// RTNeural/torch_helpers.h (loadLSTM, loadGRU: how PyTorch's tensors map onto RTNeural's):
//   {"in_shape": [null, null, I], "layers": [{"type": "lstm"|"gru"|"dense", "activation": "...", "shape": [null, null, N],
//                                             "weights": [...]}, ...]}
// The input size is the last entry of in_shape, a layer's size the last entry of its shape. Weights are Keras's:
//   lstm:  [kernel [I][4H], recurrent_kernel [H][4H], bias [4H]], gate blocks i, f, c, o: PyTorch's i, f, g, o
//          transposed; the single bias is PyTorch's bias_ih + bias_hh (loadLSTM adds them).
//   gru:   [kernel [I][3H], recurrent_kernel [H][3H], bias [2][3H]] (Keras reset_after=True: input bias, recurrent
//          bias), gate blocks z, r, h: PyTorch's r, z, n transposed with r and z swapped (loadGRU's swap_rz). The
//          reset gate acts after the recurrent product, as PyTorch's GRU (CellKind.Gru).
//   dense: [kernel [I][O], bias [O]]: PyTorch's Linear weight transposed.
// parseJson ignores the "activation" of lstm and gru layers; a dense layer's "tanh", "sigmoid" (and "" for none) follow it.
public static partial class AudioModelJson
{
    /// <summary>
    /// Loads an RTNeural JSON model (AIDA-X's <c>.json</c> models, RTNeural's Keras exporter) into a model declared
    /// with the same layers, strictly: <c>lstm</c> and <c>gru</c> layers are the recurrent layers in order
    /// (<c>[Lstm(I, H)]</c>, <c>[Gru(I, H)]</c> with the default <c>ResetAfter = true</c>), and one final <c>dense</c>
    /// layer, if any, is the head (<c>[Dense(O)]</c>; activation <c>"tanh"</c>, <c>"sigmoid"</c> or <c>"softmax"</c> as
    /// <c>Activation = ...</c>, <c>""</c> as none).
    /// </summary>
    /// <remarks>
    /// Keras's weights are converted to PyTorch's layout: kernels are transposed, GRU gate blocks reordered from
    /// Keras's z, r, h to PyTorch's r, z, n. An LSTM layer has one bias, loaded as <c>bias_ih</c> with <c>bias_hh</c>
    /// zero (the step computes the same sum). Other layer types (conv1d, batchnorm, activation layers, ...), a
    /// dense layer that is not last, a dense activation other than those above, an LSTM or GRU activation other than
    /// <c>""</c> or <c>"tanh"</c>, and a GRU with a single bias row (Keras reset_after=False) are rejected.
    /// Members other than those named here are ignored, as RTNeural ignores them.
    /// </remarks>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The JSON file.</param>
    /// <param name="model">The model that receives the weights; unchanged on any failure.</param>
    /// <exception cref="InvalidDataException">
    /// The file is not valid JSON, not an RTNeural model GenRnn can run, holds a differently shaped model (the message
    /// names the declaration it needs), or a weight is missing, mis-shaped or not finite.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void LoadRtNeural<TModel>(string path, TModel model) where TModel : class, IRecurrentModel<TModel>
    {
        CheckArguments(path, model);
        LoadRtNeural(path, TModel.Description, model.Parameters);
    }

    /// <summary>Loads an RTNeural JSON model into a parameter buffer laid out as <paramref name="description"/> says (see <see cref="LoadRtNeural{TModel}"/>).</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer; unchanged on any failure.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the model.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void LoadRtNeural(string path, ModelDescription description, Span<float> parameters)
    {
        CheckArguments(path, description, parameters.Length);

        using JsonDocument document = AudioJson.Parse(path);
        JsonElement root = document.RootElement;
        AudioModelShape shape = RtNeuralShape(root, path);
        shape.Check(description, path);
        JsonElement layers = root.GetProperty("layers");
        int input = shape.InputSize;
        IReadOnlyList<(CellKind Cell, int HiddenSize)> recurrent = shape.Layers;
        int headOutputs = shape.HeadOutputs;

        var tensors = new List<NamedTensor>();
        int inputs = input;
        for (int i = 0; i < recurrent.Count; i++)
        {
            (CellKind cell, int hidden) = recurrent[i];
            string where = $"layers[{i}].weights";
            JsonElement[] w = Weights(layers[i], 3, where, path);
            int gates = cell == CellKind.Lstm ? 4 : 3;
            float[] kernel = Matrix(w[0], inputs, gates * hidden, where + "[0] (kernel)", path);
            float[] recurrentKernel = Matrix(w[1], hidden, gates * hidden, where + "[1] (recurrent_kernel)", path);
            float[] biasIh, biasHh;
            if (cell == CellKind.Lstm)
            {
                biasIh = Vector(w[2], gates * hidden, where + "[2] (bias)", path);
                biasHh = new float[gates * hidden];
            }
            else
            {
                if (w[2].ValueKind != JsonValueKind.Array || w[2].GetArrayLength() == 0 || w[2][0].ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException(
                        $"'{path}': {where}[2] (bias) is not [2][{gates * hidden}]: a GRU's bias holds an input and a recurrent row (Keras reset_after=True, what RTNeural runs).");
                }

                float[] both = Matrix(w[2], 2, gates * hidden, where + "[2] (bias)", path);
                biasIh = both[..(gates * hidden)];
                biasHh = both[(gates * hidden)..];
            }

            // Keras [in][G*H] -> PyTorch [G*H][in], with GRU's Keras block order z, r, h -> PyTorch r, z, n.
            tensors.Add(new NamedTensor($"weight_ih_l{i}", [gates * hidden, inputs], ToPyTorch(kernel, inputs, hidden, gates, cell)));
            tensors.Add(new NamedTensor($"weight_hh_l{i}", [gates * hidden, hidden], ToPyTorch(recurrentKernel, hidden, hidden, gates, cell)));
            tensors.Add(new NamedTensor($"bias_ih_l{i}", [gates * hidden], ToPyTorch(biasIh, 1, hidden, gates, cell)));
            tensors.Add(new NamedTensor($"bias_hh_l{i}", [gates * hidden], ToPyTorch(biasHh, 1, hidden, gates, cell)));
            inputs = hidden;
        }

        if (headOutputs > 0)
        {
            string where = $"layers[{recurrent.Count}].weights";
            JsonElement[] w = Weights(layers[recurrent.Count], 2, where, path);
            float[] kernel = Matrix(w[0], inputs, headOutputs, where + "[0] (kernel)", path);
            var weight = new float[headOutputs * inputs];
            for (int r = 0; r < inputs; r++)
            {
                for (int c = 0; c < headOutputs; c++)
                {
                    weight[c * inputs + r] = kernel[r * headOutputs + c];
                }
            }

            tensors.Add(new NamedTensor("head.weight", [headOutputs, inputs], weight));
            tensors.Add(new NamedTensor("head.bias", [headOutputs], Vector(w[1], headOutputs, where + "[1] (bias)", path)));
        }

        Import(description, tensors, parameters, path);
    }

    /// <summary>
    /// A Keras matrix [rows][G*H] (a bias is one row) as PyTorch's [G*H][rows], gate block g of PyTorch taken from
    /// Keras's block g, or for a GRU from the block with r and z swapped.
    /// </summary>
    // The model's shape, before any weight is read, so that a different model is reported as such.
    private static AudioModelShape RtNeuralShape(JsonElement root, string path)
    {
        int input = LastSize(AudioJson.Member(root, "in_shape", "the file", path), "in_shape", path);
        JsonElement layers = AudioJson.Member(root, "layers", "the file", path);
        if (layers.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"'{path}': layers is not a JSON array.");
        }

        var recurrent = new List<(CellKind Cell, int HiddenSize)>();
        int headOutputs = 0;
        Activation headActivation = Activation.Identity;
        int count = layers.GetArrayLength();
        for (int i = 0; i < count; i++)
        {
            JsonElement layer = layers[i];
            string where = $"layers[{i}]";
            string type = AudioJson.String(layer, "type", where, path);
            int size = LastSize(AudioJson.Member(layer, "shape", where, path), where + ".shape", path);
            string activation = layer.ValueKind == JsonValueKind.Object && layer.TryGetProperty("activation", out JsonElement a)
                ? a.ValueKind == JsonValueKind.String ? a.GetString()! : throw new InvalidDataException($"'{path}': {where}.activation is {a.GetRawText()}, expected a string.")
                : "";
            switch (type)
            {
                case "lstm" or "gru":
                    if (headOutputs > 0)
                    {
                        throw new InvalidDataException($"'{path}': {where} is an {type} layer after the dense layer; GenRnn's dense head is the last layer.");
                    }

                    if (activation is not ("" or "tanh"))
                    {
                        throw new InvalidDataException($"'{path}': {where} is an {type} layer with activation \"{activation}\"; GenRnn's and RTNeural's cells use tanh.");
                    }

                    recurrent.Add((type == "lstm" ? CellKind.Lstm : CellKind.Gru, size));
                    break;
                case "dense":
                    if (headOutputs > 0)
                    {
                        throw new InvalidDataException($"'{path}': {where} is a second dense layer; GenRnn has one dense head, after the recurrent layers.");
                    }

                    headOutputs = size;
                    headActivation = activation switch
                    {
                        "" => Activation.Identity,
                        "tanh" => Activation.Tanh,
                        "sigmoid" => Activation.Sigmoid,
                        "softmax" => Activation.Softmax,
                        _ => throw new InvalidDataException($"'{path}': {where} is a dense layer with activation \"{activation}\"; GenRnn's head has none, tanh, sigmoid or softmax."),
                    };
                    break;
                default:
                    throw new InvalidDataException($"'{path}': {where} is a \"{type}\" layer; GenRnn runs lstm and gru layers and one final dense layer.");
            }
        }

        if (recurrent.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no lstm or gru layer; GenRnn models are recurrent.");
        }

        return new AudioModelShape(input, recurrent, headOutputs, headActivation);
    }

    private static float[] ToPyTorch(float[] keras, int rows, int hidden, int gates, CellKind cell)
    {
        int columns = gates * hidden;
        var result = new float[keras.Length];
        for (int g = 0; g < gates; g++)
        {
            int kerasBlock = cell == CellKind.Gru && g < 2 ? 1 - g : g;
            for (int j = 0; j < hidden; j++)
            {
                for (int r = 0; r < rows; r++)
                {
                    result[(g * hidden + j) * rows + r] = keras[r * columns + kerasBlock * hidden + j];
                }
            }
        }

        return result;
    }

    private static int LastSize(JsonElement shape, string where, string path)
    {
        return shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() > 0 && shape[shape.GetArrayLength() - 1] is { ValueKind: JsonValueKind.Number } last
            && last.TryGetInt32(out int n) && n > 0
            ? n
            : throw new InvalidDataException($"'{path}': {where} is {shape.GetRawText()}, expected an array ending with a positive size (e.g. [null, null, 1]).");
    }

    private static JsonElement[] Weights(JsonElement layer, int count, string where, string path)
    {
        JsonElement weights = AudioJson.Member(layer, "weights", where[..where.LastIndexOf('.')], path);
        return weights.ValueKind == JsonValueKind.Array && weights.GetArrayLength() == count
            ? [.. weights.EnumerateArray()]
            : throw new InvalidDataException($"'{path}': {where} does not hold {count} arrays ({(count == 3 ? "kernel, recurrent_kernel, bias" : "kernel, bias")}).");
    }

    private static float[] Matrix(JsonElement value, int rows, int columns, string where, string path) =>
        Shaped(value, [rows, columns], where, path);

    private static float[] Vector(JsonElement value, int length, string where, string path) =>
        Shaped(value, [length], where, path);

    private static float[] Shaped(JsonElement value, int[] shape, string where, string path)
    {
        NamedTensor t = AudioJson.Tensor(value, where, where, path);
        return t.Shape.AsSpan().SequenceEqual(shape)
            ? t.Data
            : throw new InvalidDataException($"'{path}': {where} has shape {t.ShapeText}, expected [{string.Join(", ", shape)}].");
    }
}
