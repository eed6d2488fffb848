using GenRnn.Cells;

namespace GenRnn;

/// <summary>One recurrent layer of a generated model.</summary>
/// <param name="Cell">The cell's kind.</param>
/// <param name="InputSize">Floats per step entering the layer.</param>
/// <param name="HiddenSize">Size of the hidden state (and of the cell state for LSTMs).</param>
/// <param name="StateOffset">Where the layer's h starts in the flat state; c (LSTMs) follows h.</param>
/// <param name="Lstm">The options of a <see cref="CellKind.LstmVariant"/> layer, else null (a named kind says its own).</param>
public sealed record LayerDescription(CellKind Cell, int InputSize, int HiddenSize, int StateOffset, LstmOptions? Lstm = null)
{
    /// <summary>Number of gate blocks stacked in the layer's weights (1 RNN, 3 GRU and 1997 LSTM, 4 LSTM).</summary>
    public int GateCount => Family.GateCount;

    /// <summary>Whether the layer carries a cell state c besides h.</summary>
    public bool HasCellState => Family.HasCellState;

    /// <summary>The facts about the layer's cell kind.</summary>
    internal CellFamily Family => CellFamilies.For(Cell, Lstm);

    /// <summary>The layer's LSTM options (every LSTM kind has them), or null for the other cells.</summary>
    public LstmOptions? LstmOptions => Family.Lstm;
}
