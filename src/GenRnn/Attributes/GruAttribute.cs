namespace GenRnn;

/// <summary>
/// A gated recurrent unit layer (gates r,z,n). <see cref="ResetAfter"/> = true (the default) applies the reset gate
/// after the recurrent product as PyTorch, cuDNN and ONNX (linear_before_reset = 1) do;
/// false applies it before the product, as in Cho et al. (2014).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute : Attribute
{
    /// <summary>Declares a GRU layer.</summary>
    /// <param name="inputSize">Floats per step entering the layer (the previous layer's hidden size when stacked).</param>
    /// <param name="hiddenSize">Size of the hidden state.</param>
    public GruAttribute(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Floats per step entering the layer.</summary>
    public int InputSize { get; }

    /// <summary>Size of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Reset gate applied after (true, PyTorch) or before (false, Cho 2014) the recurrent product.</summary>
    public bool ResetAfter { get; set; } = true;
}
