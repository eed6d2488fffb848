namespace GenRnn;

/// <summary>
/// A long short-term memory layer. By default the LSTM with a forget gate (PyTorch's <c>nn.LSTM</c>, gates i,f,g,o).
/// <see cref="ForgetGate"/> = false gives the 1997 LSTM (c' = c + i*g, gates i,g,o);
/// <see cref="Peepholes"/> = true adds the diagonal peephole connections of Gers and Schmidhuber (2000).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute : Attribute
{
    /// <summary>Declares an LSTM layer.</summary>
    /// <param name="inputSize">Floats per step entering the layer (the previous layer's hidden size when stacked).</param>
    /// <param name="hiddenSize">Size of the hidden and cell states.</param>
    public LstmAttribute(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Floats per step entering the layer.</summary>
    public int InputSize { get; }

    /// <summary>Size of the hidden and cell states.</summary>
    public int HiddenSize { get; }

    /// <summary>Whether the layer has a forget gate (true, the default) or is the 1997 LSTM without one.</summary>
    public bool ForgetGate { get; set; } = true;

    /// <summary>Whether the gates also see the cell state through diagonal peephole weights.</summary>
    public bool Peepholes { get; set; }
}
