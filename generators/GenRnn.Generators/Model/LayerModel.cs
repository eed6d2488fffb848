using GenRnn.Cells;

namespace GenRnn.Generators.Model;

/// <summary>One recurrent layer of a model. Every member has value equality (LstmOptions is a record).</summary>
/// <param name="Lstm">The options of a LstmVariant layer, else null (a named kind says its own).</param>
internal sealed record LayerModel(CellKind Cell, int InputSize, int HiddenSize, LstmOptions? Lstm = null)
{
    /// <summary>The facts about the layer's cell kind, shared with the runtime (src/GenRnn/Cells).</summary>
    public CellFamily Family => CellFamilies.For(Cell, Lstm);

    public int GateCount => Family.GateCount;

    public int GateSize => GateCount * HiddenSize;

    public bool IsLstm => Family.HasCellState;

    /// <summary>Whether the recurrent product W_hh h + b_hh is kept apart from the input product (the GRUs, CellFamily.RecurrentApart).</summary>
    public bool IsGru => Family.RecurrentApart;

    /// <summary>
    /// Whether Cores = 2 can split this layer's gate rows between two cores: two column blocks of 64 rows or more (one
    /// for each core), and not a cell whose recurrent product waits for r (the reset-before GRU).
    /// </summary>
    public bool Splittable => !Family.RecurrentWaitsForReset && GateSize >= 128;

    /// <summary>Floats of the state this layer carries: h, and c for LSTMs.</summary>
    public int StateFloats => Family.StateFloats(HiddenSize);
}
