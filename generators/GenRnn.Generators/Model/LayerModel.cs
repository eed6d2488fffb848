namespace GenRnn.Generators.Model;

/// <summary>One recurrent layer of a model. Every member has value equality.</summary>
internal sealed record LayerModel(CellKind Cell, int InputSize, int HiddenSize)
{
    public int GateCount => Cell switch
    {
        CellKind.Rnn => 1,
        CellKind.Lstm or CellKind.PeepholeLstm => 4,
        CellKind.LstmNoForgetGate or CellKind.Gru or CellKind.GruResetBefore => 3,
        _ => throw new System.InvalidOperationException($"GenRnn's generator does not know the cell kind {Cell}."),
    };

    public int GateSize => GateCount * HiddenSize;

    public bool IsLstm => Cell is CellKind.Lstm or CellKind.LstmNoForgetGate or CellKind.PeepholeLstm;

    public bool IsGru => Cell is CellKind.Gru or CellKind.GruResetBefore;

    /// <summary>
    /// Whether Cores = 2 can split this layer's gate rows between two cores: two column blocks of 64 rows or more (one
    /// for each core), and not a reset-before GRU, whose recurrent product waits for r.
    /// </summary>
    public bool Splittable => Cell != CellKind.GruResetBefore && GateSize >= 128;

    /// <summary>Floats of the state this layer carries: h, and c for LSTMs.</summary>
    public int StateFloats => IsLstm ? 2 * HiddenSize : HiddenSize;
}
