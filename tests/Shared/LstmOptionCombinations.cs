namespace GenRnn.Testing;

/// <summary>
/// The 128 combinations of [Lstm]'s seven options, numbered by their bits, valid or not. Linked into both test projects
/// (the reference's finite-difference tests and the generator's property test) so that both walk the same space.
/// </summary>
internal static class LstmOptionCombinations
{
    public const int Count = 128;

    /// <summary>Combination number <paramref name="bits"/> (0 is the plain LSTM; each set bit changes one option).</summary>
    public static LstmOptions Of(int bits) => new()
    {
        InputGate = (bits & 1) == 0,
        ForgetGate = (bits & 2) == 0,
        OutputGate = (bits & 4) == 0,
        CoupledGates = (bits & 8) != 0,
        Peepholes = (bits & 16) != 0,
        CellInputActivation = (bits & 32) != 0 ? CellActivation.Identity : CellActivation.Tanh,
        CellOutputActivation = (bits & 64) != 0 ? CellActivation.Identity : CellActivation.Tanh,
    };
}
