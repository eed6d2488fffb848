namespace GenRnn;

/// <summary>A recurrent layer as declared: its cell and sizes.</summary>
/// <param name="Cell">The cell's kind.</param>
/// <param name="InputSize">Floats per step entering the layer.</param>
/// <param name="HiddenSize">Size of the hidden state.</param>
/// <param name="Lstm">
/// The options of an LSTM: required for <see cref="CellKind.LstmVariant"/>, optional for the other LSTM kinds (the
/// description then holds the kind that has exactly these options), null for the other cells.
/// </param>
public readonly record struct LayerSpec(CellKind Cell, int InputSize, int HiddenSize, LstmOptions? Lstm = null);
