namespace GenRnn;

/// <summary>
/// A fully connected head y = F(W h + b) applied at every step to the top recurrent layer's hidden state.
/// Must be the last layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a dense head with <paramref name="outputSize"/> outputs.</summary>
    /// <param name="outputSize">Number of outputs per step.</param>
    public DenseAttribute(int outputSize)
    {
        OutputSize = outputSize;
    }

    /// <summary>Number of outputs per step.</summary>
    public int OutputSize { get; }

    /// <summary>The function F applied to W h + b. Identity by default.</summary>
    public Activation Activation { get; set; } = Activation.Identity;
}
