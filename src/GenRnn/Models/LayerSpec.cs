namespace GenRnn;

/// <summary>A recurrent layer as declared: its cell and sizes.</summary>
/// <param name="Cell">The cell's kind.</param>
/// <param name="InputSize">Floats per step entering the layer.</param>
/// <param name="HiddenSize">Size of the hidden state.</param>
public readonly record struct LayerSpec(CellKind Cell, int InputSize, int HiddenSize);
