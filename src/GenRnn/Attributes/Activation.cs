namespace GenRnn;

/// <summary>The output function of a <see cref="DenseAttribute"/> head.</summary>
public enum Activation
{
    /// <summary>y = z.</summary>
    Identity = 0,

    /// <summary>y = tanh(z).</summary>
    Tanh = 1,

    /// <summary>y = 1 / (1 + e^-z).</summary>
    Sigmoid = 2,

    /// <summary>y_i = e^z_i / sum_j e^z_j over the outputs of one step.</summary>
    Softmax = 3,
}
