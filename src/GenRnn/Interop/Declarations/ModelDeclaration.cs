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
            "LSTM" => $"Lstm({input}, {hidden}{OnnxLstmOptions(node)})",
            "GRU" => node.Attributes.FirstOrDefault(a => a.Name == "linear_before_reset")?.I == 1 ? $"Gru({input}, {hidden})" : $"Gru({input}, {hidden}, ResetAfter = false)",
            _ => $"Rnn({input}, {hidden})",
        };
        return Render(source, null, [layer], className, []);
    }

    // The [Lstm] options an ONNX LSTM node holds: P (peepholes), input_forget (CoupledGates), Affine g or h (identity).
    private static string OnnxLstmOptions(OnnxNode node)
    {
        var options = new LstmOptions
        {
            CoupledGates = node.Attributes.FirstOrDefault(a => a.Name == "input_forget")?.I == 1,
            Peepholes = node.Input(7).Length > 0,
            CellInputActivation = ActivationAt(node, 1),
            CellOutputActivation = ActivationAt(node, 2),
        };
        string arguments = options.Arguments();
        return arguments.Length > 0 ? ", " + arguments : "";
    }

    private static CellActivation ActivationAt(OnnxNode node, int index) =>
        node.Attributes.FirstOrDefault(a => a.Name == "activations")?.Strings is { } names && names.Count > index && names[index] == "Affine"
            ? CellActivation.Identity
            : CellActivation.Tanh;

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
            if (byName.ContainsKey($"{prefix}bias_l{l}") && !byName.ContainsKey($"{prefix}bias_ih_l{l}"))
            {
                throw MutLayer(source, prefix, l, ih, hh);
            }

            if (ih.Length != 2 || hh.Length != 2 || hh[0] % hidden != 0 || ih[0] != hh[0])
            {
                throw new InvalidDataException($"'{source}': layer {l}'s weights {Shape(ih)} and {Shape(hh)} are not [G*H, I] and [G*H, H].");
            }

            bool peepholes = byName.ContainsKey($"{prefix}peephole_i_l{l}");
            if (PeepholeLstm(gates, l, prefix, byName, notes) is string options)
            {
                // Peepholes with fewer than four blocks: an LSTM with a gate left out, named by the peepholes it has.
                layers.Add($"Lstm({input}, {hidden}, {options})");
                previous = hidden;
                continue;
            }

            layers.Add(gates switch
            {
                1 => $"Rnn({input}, {hidden})",
                2 => $"Lstm({input}, {hidden}, ForgetGate = false, OutputGate = false)",
                3 => $"Gru({input}, {hidden})",
                4 => peepholes ? $"Lstm({input}, {hidden}, Peepholes = true)" : $"Lstm({input}, {hidden})",
                _ => throw new InvalidDataException($"'{source}': layer {l} stacks {gates} gate blocks; GenRnn's cells have 1 (RNN), 2 or 3 (an LSTM with gates left out, or a GRU) or 4 (LSTM)."),
            });
            if (gates == 2)
            {
                notes.Add($"layer {l}: 2 gate blocks are an LSTM with two of its gates left out, which the tensors do not say: gates i, g (ForgetGate = false, OutputGate = false) are declared; f, g is InputGate = false, OutputGate = false and g, o is InputGate = false, ForgetGate = false");
            }

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

    // One bias per gate (bias_lN, no bias_ih_lN) is a MUT layer (VARIANTS.md), told apart by its weights' blocks: MUT1
    // (z, r) and (r, h), MUT2 (z, h) and (z, r, h), MUT3 (z, r, h) twice. Its description and float64 reference exist,
    // but no attribute declares it yet, so the tool says what the layer is rather than write a declaration that would
    // not compile, or mistake MUT1 for a two-gate LSTM and MUT3 for a GRU.
    private static InvalidDataException MutLayer(string source, string prefix, int l, int[] ih, int[] hh)
    {
        int h = hh.Length == 2 ? hh[1] : 0;
        string? kind = ih.Length == 2 && hh.Length == 2 && h > 0 && ih[0] % h == 0 && hh[0] % h == 0
            ? (ih[0] / h, hh[0] / h) switch
            {
                (2, 2) => "Mut1",
                (2, 3) => "Mut2",
                (3, 3) => "Mut3",
                _ => null,
            }
            : null;
        return new InvalidDataException(kind is null
            ? $"'{source}': layer {l} has one bias ({prefix}bias_l{l}) and weights {Shape(ih)} and {Shape(hh)}, which no GenRnn cell has (a MUT layer's are [2H or 3H, I] and [2H or 3H, H])."
            : $"'{source}': layer {l} is a {kind.ToUpperInvariant()} layer (one bias {prefix}bias_l{l}, weights {Shape(ih)} and {Shape(hh)}; Jozefowicz et al. 2015): GenRnn describes it (CellKind.{kind}) and its float64 ReferenceModel runs it, but the generator has no attribute for it yet, so no declaration is written.");
    }

    // The options of an LSTM layer of fewer than four blocks with peepholes: which peepholes it has tells which gates
    // (VARIANTS.md: one per gate that has weights), or null for a layer without peepholes or of four blocks.
    private static string? PeepholeLstm(int gates, int l, string prefix, Dictionary<string, int[]> byName, List<string> notes)
    {
        bool i = byName.ContainsKey($"{prefix}peephole_i_l{l}"), f = byName.ContainsKey($"{prefix}peephole_f_l{l}"), o = byName.ContainsKey($"{prefix}peephole_o_l{l}");
        if (gates is not (2 or 3) || !(i || f || o) || gates != (i ? 1 : 0) + (f ? 1 : 0) + (o ? 1 : 0) + 1)
        {
            return null;
        }

        if (i && !f)
        {
            notes.Add($"layer {l}: an input gate without a forget gate's tensors is ForgetGate = false (f = 1) or CoupledGates = true (f = 1 - i); ForgetGate = false is declared");
        }

        return new LstmOptions { InputGate = i, ForgetGate = f, OutputGate = o, Peepholes = true }.Arguments();
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
