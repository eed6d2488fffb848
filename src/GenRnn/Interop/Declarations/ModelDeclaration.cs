using System.Globalization;
using System.Text;

namespace GenRnn.Interop;

/// <summary>
/// The <c>[RecurrentModel]</c> declaration that loads a weight file: read from its tensors' names and shapes (a
/// safetensors state_dict), from its recurrent node (an ONNX graph) or from its own description (an audio JSON model).
/// Used by the <c>genrnn-declare</c> tool.
/// </summary>
public static class ModelDeclaration
{
    /// <summary>The declaration of the model a safetensors file holds (PyTorch names, any module prefix).</summary>
    /// <param name="path">The file.</param>
    /// <param name="className">The class name to declare.</param>
    /// <exception cref="InvalidDataException">The file is malformed, or its tensors are not a GenRnn model's.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string FromSafeTensors(string path, string className = "Model")
    {
        SafeTensorsContent content = SafeTensors.Read(path);
        return FromTensors(content.Tensors.Select(t => (t.Name, t.Shape)), Path.GetFileName(path), className);
    }

    /// <summary>The declaration of the single-layer model an ONNX file holds (one RNN, LSTM or GRU node).</summary>
    /// <param name="path">The file.</param>
    /// <param name="className">The class name to declare.</param>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model or has no single recurrent node.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string FromOnnx(string path, string className = "Model")
    {
        byte[] bytes = File.ReadAllBytes(path);
        string source = Path.GetFileName(path);
        OnnxFile file = OnnxFile.Parse(bytes, source);
        var nodes = file.Graph.Nodes.Where(n => n.OpType is "RNN" or "LSTM" or "GRU").ToList();
        if (nodes.Count != 1)
        {
            throw new InvalidDataException($"'{source}' has {nodes.Count} RNN, LSTM or GRU nodes; a GenRnn model imports exactly one.");
        }

        OnnxNode node = nodes[0];
        if (!file.Graph.Initializers.TryGetValue(node.Input(1), out OnnxTensor? w) || w.Dims.Count != 3)
        {
            throw new InvalidDataException($"'{source}': {node.Title} has no initializer W of shape [directions, gates x hidden, input].");
        }

        long hidden = node.Attributes.FirstOrDefault(a => a.Name == "hidden_size")?.I ?? 0;
        int gates = node.OpType switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        hidden = hidden > 0 ? hidden : w.Dims[1] / gates;
        long input = w.Dims[2];
        string layer = node.OpType switch
        {
            "LSTM" => node.Input(7).Length > 0 ? $"Lstm({input}, {hidden}, Peepholes = true)" : $"Lstm({input}, {hidden})",
            "GRU" => node.Attributes.FirstOrDefault(a => a.Name == "linear_before_reset")?.I == 1 ? $"Gru({input}, {hidden})" : $"Gru({input}, {hidden}, ResetAfter = false)",
            _ => $"Rnn({input}, {hidden})",
        };
        return Render(source, null, [layer], className, []);
    }

    /// <summary>
    /// The declaration of the model an audio JSON file holds (Automated-GuitarAmpModelling or RTNeural, see
    /// <see cref="Audio.AudioModelJson"/>).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="className">The class name to declare.</param>
    /// <exception cref="InvalidDataException">The file is malformed or in neither format.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string FromAudioJson(string path, string className = "Model")
    {
        IReadOnlyList<string> attributes = Audio.AudioModelJson.Attributes(path);
        bool head = attributes.Count > 0 && attributes[^1].StartsWith("Dense(", StringComparison.Ordinal);
        return Render(Path.GetFileName(path), null, [.. attributes.Take(head ? attributes.Count - 1 : attributes.Count)], className, [], head: head ? attributes[^1] : null);
    }

    /// <summary>The declaration read from tensor names and shapes (PyTorch's: weight_ih_lN, ..., embedding.weight, head.weight).</summary>
    internal static string FromTensors(IEnumerable<(string Name, int[] Shape)> tensors, string source, string className)
    {
        var byName = tensors.ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        string? first = byName.Keys.Where(n => n.EndsWith("weight_ih_l0", StringComparison.Ordinal)).OrderBy(n => n.Length).FirstOrDefault()
            ?? throw new InvalidDataException($"'{source}' has no recurrent layer (no tensor named weight_ih_l0, with or without a module prefix).");
        string prefix = first[..^"weight_ih_l0".Length];
        var layers = new List<string>();
        var notes = new List<string>();
        int previous = -1;
        for (int l = 0; byName.TryGetValue($"{prefix}weight_ih_l{l}", out int[]? ih); l++)
        {
            int[] hh = byName.GetValueOrDefault($"{prefix}weight_hh_l{l}")
                ?? throw new InvalidDataException($"'{source}' has {prefix}weight_ih_l{l} but no {prefix}weight_hh_l{l}.");
            int hidden = hh[1], gates = hh[0] / hidden, input = ih[1];
            if (ih.Length != 2 || hh.Length != 2 || hh[0] % hidden != 0 || ih[0] != hh[0])
            {
                throw new InvalidDataException($"'{source}': layer {l}'s weights {Shape(ih)} and {Shape(hh)} are not [G*H, I] and [G*H, H].");
            }

            bool peepholes = byName.ContainsKey($"{prefix}peephole_i_l{l}");
            layers.Add(gates switch
            {
                1 => $"Rnn({input}, {hidden})",
                3 => $"Gru({input}, {hidden})",
                4 => peepholes ? $"Lstm({input}, {hidden}, Peepholes = true)" : $"Lstm({input}, {hidden})",
                _ => throw new InvalidDataException($"'{source}': layer {l} stacks {gates} gate blocks; GenRnn's cells have 1 (RNN), 3 (GRU) or 4 (LSTM)."),
            });
            if (gates == 3)
            {
                notes.Add($"layer {l}: 3 gate blocks are PyTorch's GRU (reset after the product); the 1997 LSTM [Lstm(..., ForgetGate = false)] has 3 too");
            }

            previous = hidden;
        }

        var extras = new List<string>();
        if (byName.TryGetValue("embedding.weight", out int[]? embedding) && embedding.Length == 2)
        {
            extras.Add($"Embedding({embedding[0]}, {embedding[1]})");
        }

        string? head = null;
        if (byName.TryGetValue("head.weight", out int[]? headWeight) && headWeight.Length == 2 && headWeight[1] == previous)
        {
            head = $"Dense({headWeight[0]})";
            notes.Add("the head's activation is not in the file: Identity is declared; set Activation = ... as trained");
        }
        else if (byName.Keys.FirstOrDefault(n => !n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".weight", StringComparison.Ordinal) && n != "embedding.weight") is string other
            && byName[other] is { Length: 2 } shape && shape[1] == previous)
        {
            head = $"Dense({shape[0]})";
            notes.Add($"the head is '{other}': rename it and its bias to head.weight and head.bias to load them");
        }

        return Render(source, prefix, [.. layers], className, notes, extras, head);
    }

    private static string Render(string source, string? prefix, string[] layers, string className, List<string> notes, List<string>? extras = null, string? head = null)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"// The declaration that loads '{source}'{(string.IsNullOrEmpty(prefix) ? "" : $" (recurrent prefix \"{prefix}\")")}.\n");
        foreach (string note in notes)
        {
            b.Append("// Note: ").Append(note).Append(".\n");
        }

        b.Append("[RecurrentModel]\n");
        foreach (string attribute in (extras ?? []).Concat(layers).Concat(head is null ? [] : [head]))
        {
            b.Append('[').Append(attribute).Append("]\n");
        }

        b.Append("public partial class ").Append(className).Append(";\n");
        return b.ToString();
    }

    private static string Shape(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
