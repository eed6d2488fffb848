namespace GenRnn;

/// <summary>A vanilla (Elman) recurrent layer: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RnnAttribute : Attribute
{
    /// <summary>Declares a vanilla tanh RNN layer.</summary>
    /// <param name="inputSize">Floats per step entering the layer (the previous layer's hidden size when stacked).</param>
    /// <param name="hiddenSize">Size of the hidden state.</param>
    public RnnAttribute(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Floats per step entering the layer.</summary>
    public int InputSize { get; }

    /// <summary>Size of the hidden state.</summary>
    public int HiddenSize { get; }
}
