using System.Text.Json;

namespace GenRnn.Interop.Audio;

// The format, as read from CoreAudioML's networks.py (github.com/Alec-Wright/CoreAudioML, SimpleRNN.save_model and
// SimpleRNN.forward), the submodule of Automated-GuitarAmpModelling:
//   {"model_data": {"model": "SimpleRNN", "input_size": I, "skip": S, "output_size": O, "unit_type": "LSTM"|"GRU"|"RNN",
//                   "num_layers": N, "hidden_size": H, "bias_fl": true|false},
//    "state_dict": {"rec.weight_ih_l0": [[...]], "rec.weight_hh_l0": ..., "rec.bias_ih_l0": [...], "rec.bias_hh_l0": ...,
//                   (l1 ... l{N-1}), "lin.weight": [[...]] (O x H), "lin.bias": [...] (O, only with bias_fl)}}
// rec is torch.nn.LSTM/GRU/RNN(I, H, N) and lin is torch.nn.Linear(H, O, bias=bias_fl), so the tensors are PyTorch's
// own (nested lists from Tensor.tolist()). forward returns lin(rec(x)) + x[:, :, 0:skip]: the first `skip` input
// channels are added to the output (skip is 1 by default and in NeuralPi's and Proteus's models, 0 for none).
public static partial class AudioModelJson
{
    /// <summary>
    /// Loads an Automated-GuitarAmpModelling <c>SimpleRNN</c> JSON file (NeuralPi, Proteus) into a model declared as
    /// <c>[RecurrentModel][Lstm(input_size, hidden_size)][Dense(output_size)]</c> (<c>Gru</c> for <c>"unit_type": "GRU"</c>,
    /// <c>Rnn</c> for <c>"RNN"</c>; <c>num_layers</c> stacked layers), strictly. <c>rec.*</c> tensors are the recurrent
    /// layers' (<c>weight_ih_l0</c>, ...), <c>lin.weight</c> and <c>lin.bias</c> the head's; with <c>"bias_fl": false</c>
    /// the head's bias is set to zero.
    /// </summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The JSON file.</param>
    /// <param name="model">The model that receives the weights; unchanged on any failure.</param>
    /// <returns>
    /// The file's <c>skip</c>: the number of input channels the original network adds to its output. GenRnn's model
    /// does not add them; to reproduce the file's network, add <c>input[i]</c> to <c>output[i]</c> for
    /// <c>i &lt; skip</c> after each step (for the usual mono amp model, skip = 1: <c>y = output[0] + x</c>).
    /// </returns>
    /// <exception cref="InvalidDataException">
    /// The file is not valid JSON, not a SimpleRNN file, holds a differently shaped model (the message names the
    /// declaration it needs), or a tensor is missing, extra, mis-shaped or not finite.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static int LoadAutomatedGuitarAmp<TModel>(string path, TModel model) where TModel : class, IRecurrentModel<TModel>
    {
        CheckArguments(path, model);
        return LoadAutomatedGuitarAmp(path, TModel.Description, model.Parameters);
    }

    /// <summary>Loads an Automated-GuitarAmpModelling JSON file into a parameter buffer laid out as <paramref name="description"/> says (see <see cref="LoadAutomatedGuitarAmp{TModel}"/>).</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer; unchanged on any failure.</param>
    /// <returns>The file's <c>skip</c> (see <see cref="LoadAutomatedGuitarAmp{TModel}"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the model.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static int LoadAutomatedGuitarAmp(string path, ModelDescription description, Span<float> parameters)
    {
        CheckArguments(path, description, parameters.Length);

        using JsonDocument document = AudioJson.Parse(path);
        JsonElement root = document.RootElement;
        (AudioModelShape shape, string unit, int skip, bool bias) = AutomatedGuitarAmpHeader(root, path);
        shape.Check(description, path);
        int layers = shape.Layers.Count, output = shape.HeadOutputs;

        JsonElement stateDict = AudioJson.Member(root, "state_dict", "the file", path);
        if (stateDict.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{path}': state_dict is not a JSON object.");
        }

        // File name -> GenRnn name: rec.X -> X, lin.X -> head.X. Unknown names are reported by name.
        var expected = new HashSet<string>(description.Tensors.Select(t => FileName(t.Name)), StringComparer.Ordinal);
        if (!bias)
        {
            expected.Remove("lin.bias");
        }

        var tensors = new List<NamedTensor>();
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty p in stateDict.EnumerateObject())
        {
            if (!seen.Add(p.Name))
            {
                errors.Add($"tensor '{p.Name}' is given twice");
            }
            else if (!expected.Contains(p.Name))
            {
                errors.Add(p.Name == "lin.bias"
                    ? "tensor 'lin.bias' is given but model_data.bias_fl is false"
                    : $"unused tensor '{p.Name}': a {unit} SimpleRNN of {layers} layer(s) has no tensor of that name");
            }
            else
            {
                tensors.Add(AudioJson.Tensor(p.Value, GenRnnName(p.Name), $"state_dict.{p.Name}", path));
            }
        }

        foreach (string name in expected.Where(n => !seen.Contains(n)).Order(StringComparer.Ordinal))
        {
            errors.Add($"missing tensor '{name}'");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"'{path}' does not fit {description.Name}: {string.Join("; ", errors)}.");
        }

        if (!bias)
        {
            tensors.Add(new NamedTensor("head.bias", [output], new float[output]));
        }

        Import(description, tensors, parameters, path, reason => reason.Replace("'head.", "'lin.", StringComparison.Ordinal));
        return skip;
    }

    // model_data: the shape, the unit type's name, skip and bias_fl, before any weight is read.
    private static (AudioModelShape Shape, string Unit, int Skip, bool Bias) AutomatedGuitarAmpHeader(JsonElement root, string path)
    {
        JsonElement meta = AudioJson.Member(root, "model_data", "the file", path);
        string kind = AudioJson.String(meta, "model", "model_data", path);
        if (kind != "SimpleRNN")
        {
            throw new InvalidDataException($"'{path}' holds a \"{kind}\" model; GenRnn loads Automated-GuitarAmpModelling's \"SimpleRNN\" models only.");
        }

        string unit = AudioJson.String(meta, "unit_type", "model_data", path);
        CellKind cell = unit switch
        {
            "LSTM" => CellKind.Lstm,
            "GRU" => CellKind.Gru,
            "RNN" => CellKind.Rnn,
            _ => throw new InvalidDataException($"'{path}': model_data.unit_type is \"{unit}\"; GenRnn runs \"LSTM\", \"GRU\" and \"RNN\"."),
        };
        int input = AudioJson.Int(meta, "input_size", 1, "model_data", path);
        int output = AudioJson.Int(meta, "output_size", 1, "model_data", path);
        int hidden = AudioJson.Int(meta, "hidden_size", 1, "model_data", path);
        int layers = AudioJson.Int(meta, "num_layers", 1, "model_data", path);
        int skip = AudioJson.Int(meta, "skip", 0, "model_data", path);
        bool bias = AudioJson.Bool(meta, "bias_fl", "model_data", path);
        if (skip > Math.Min(input, output))
        {
            throw new InvalidDataException($"'{path}': model_data.skip is {skip}, but the network adds the first skip of its {input} inputs to its {output} outputs.");
        }

        return (new AudioModelShape(input, [.. Enumerable.Repeat((cell, hidden), layers)], output, Activation.Identity), unit, skip, bias);
    }

    private static string FileName(string genRnnName) =>
        genRnnName.StartsWith("head.", StringComparison.Ordinal) ? "lin." + genRnnName["head.".Length..] : "rec." + genRnnName;

    private static string GenRnnName(string fileName) =>
        fileName.StartsWith("lin.", StringComparison.Ordinal) ? "head." + fileName["lin.".Length..] : fileName["rec.".Length..];
}
