using System.Globalization;
using System.Text;

namespace GenRnn.Interop.Audio;

/// <summary>
/// The shape of the model an audio JSON file holds: recurrent layers (kind and hidden size) over an input size, and a
/// dense head. Compared with a declaration's <see cref="ModelDescription"/>; a mismatch names the declaration the file needs.
/// </summary>
internal sealed record AudioModelShape(int InputSize, IReadOnlyList<(CellKind Cell, int HiddenSize)> Layers, int HeadOutputs, Activation HeadActivation)
{
    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="description"/> declares exactly this shape.</summary>
    public void Check(ModelDescription description, string source)
    {
        bool same = description.Vocabulary == 0
            && description.Layers.Count == Layers.Count
            && description.HeadOutputs == HeadOutputs
            && (HeadOutputs == 0 || description.HeadActivation == HeadActivation);
        for (int l = 0; same && l < Layers.Count; l++)
        {
            LayerDescription d = description.Layers[l];
            same = d.Cell == Layers[l].Cell
                && d.HiddenSize == Layers[l].HiddenSize
                && d.InputSize == (l == 0 ? InputSize : Layers[l - 1].HiddenSize);
        }

        if (!same)
        {
            throw new InvalidDataException(
                $"'{source}' holds {Text()}, but {description.Name} is declared as {DeclarationOf(description)}: declare {Declaration()}.");
        }
    }

    /// <summary>In words: "an LSTM of 1 -> 32 with a Dense(1) head".</summary>
    public string Text()
    {
        var s = new StringBuilder();
        bool oneKind = Layers.All(l => l.Cell == Layers[0].Cell);
        if (Layers.Count == 1)
        {
            s.Append(Layers[0].Cell is CellKind.Lstm ? "an " : "a ").Append(KindName(Layers[0].Cell));
        }
        else if (oneKind)
        {
            s.Append(CultureInfo.InvariantCulture, $"{Layers.Count} stacked {KindName(Layers[0].Cell)} layers");
        }
        else
        {
            s.Append("stacked ").Append(string.Join(", ", Layers.Select(l => KindName(l.Cell)))).Append(" layers");
        }

        s.Append(CultureInfo.InvariantCulture, $" of {InputSize}");
        foreach ((CellKind _, int hidden) in Layers)
        {
            s.Append(CultureInfo.InvariantCulture, $" -> {hidden}");
        }

        s.Append(HeadOutputs > 0 ? $" with a {Dense(HeadOutputs, HeadActivation)} head" : " without a head");
        return s.ToString();
    }

    /// <summary>The attributes that declare this shape: "[RecurrentModel][Lstm(1, 32)][Dense(1)]".</summary>
    public string Declaration() => "[RecurrentModel]" + string.Concat(Attributes().Select(a => $"[{a}]"));

    /// <summary>The layer attributes of this shape, without brackets: "Lstm(1, 32)", "Dense(1)".</summary>
    public IEnumerable<string> Attributes()
    {
        int input = InputSize;
        foreach ((CellKind cell, int hidden) in Layers)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{KindAttribute(cell)}({input}, {hidden})");
            input = hidden;
        }

        if (HeadOutputs > 0)
        {
            yield return Dense(HeadOutputs, HeadActivation);
        }
    }

    /// <summary>What a description declares, in the same words as <see cref="Declaration"/>.</summary>
    private static string DeclarationOf(ModelDescription d)
    {
        var s = new StringBuilder("[RecurrentModel]");
        if (d.Vocabulary > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"[Embedding({d.Vocabulary}, {d.EmbeddingDimensions})]");
        }

        foreach (LayerDescription l in d.Layers)
        {
            s.Append(CultureInfo.InvariantCulture, $"[{KindAttribute(l.Cell)}({l.InputSize}, {l.HiddenSize}{KindOption(l.Cell)})]");
        }

        if (d.HeadOutputs > 0)
        {
            s.Append('[').Append(Dense(d.HeadOutputs, d.HeadActivation)).Append(']');
        }

        return s.ToString();
    }

    private static string Dense(int outputs, Activation activation) =>
        activation == Activation.Identity
            ? string.Create(CultureInfo.InvariantCulture, $"Dense({outputs})")
            : string.Create(CultureInfo.InvariantCulture, $"Dense({outputs}, Activation = Activation.{activation})");

    private static string KindName(CellKind cell) => cell switch
    {
        CellKind.Lstm => "LSTM",
        CellKind.Gru => "GRU",
        CellKind.Rnn => "tanh RNN",
        _ => cell.ToString(),
    };

    private static string KindAttribute(CellKind cell) => cell switch
    {
        CellKind.Lstm or CellKind.LstmNoForgetGate or CellKind.PeepholeLstm or CellKind.GatelessLstm => "Lstm",
        CellKind.Gru or CellKind.GruResetBefore => "Gru",
        _ => "Rnn",
    };

    // The attribute options of the cells the audio formats never hold, so that a declared one reads as declared.
    private static string KindOption(CellKind cell) => cell switch
    {
        CellKind.GruResetBefore => ", ResetAfter = false",
        CellKind.PeepholeLstm => ", Peepholes = true",
        CellKind.LstmNoForgetGate => ", ForgetGate = false",
        CellKind.GatelessLstm => ", InputGate = false, ForgetGate = false, OutputGate = false",
        _ => "",
    };
}
