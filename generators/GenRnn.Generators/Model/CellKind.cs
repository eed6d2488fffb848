namespace GenRnn.Generators.Model;

/// <summary>The generator's copy of GenRnn.CellKind (the generator cannot reference the runtime library); same names and values.</summary>
internal enum CellKind
{
    Rnn = 0,
    Lstm = 1,
    LstmNoForgetGate = 2,
    PeepholeLstm = 3,
    Gru = 4,
    GruResetBefore = 5,
}

/// <summary>The generator's copy of GenRnn.Activation; same names and values.</summary>
internal enum HeadActivation
{
    Identity = 0,
    Tanh = 1,
    Sigmoid = 2,
    Softmax = 3,
}
