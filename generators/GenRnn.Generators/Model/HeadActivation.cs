namespace GenRnn.Generators.Model;

/// <summary>The generator's copy of GenRnn.Activation; same names and values.</summary>
internal enum HeadActivation
{
    Identity = 0,
    Tanh = 1,
    Sigmoid = 2,
    Softmax = 3,
}
