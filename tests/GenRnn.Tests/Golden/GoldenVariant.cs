using System.Text.Json.Serialization;

namespace GenRnn.Tests.Golden;

/// <summary>
/// The options of a generalised LSTM case in <c>Golden/pytorch-golden-variants.json</c> (Golden/VARIANTS.md): only what
/// differs from PyTorch's nn.LSTM is present.
/// </summary>
public sealed class GoldenLstmOptions
{
    /// <summary>false: i = 1 (NIG).</summary>
    public bool? InputGate { get; init; }

    /// <summary>false: f = 1 (NFG).</summary>
    public bool? ForgetGate { get; init; }

    /// <summary>false: o = 1 (NOG).</summary>
    public bool? OutputGate { get; init; }

    /// <summary>true: f = 1 − i (CIFG).</summary>
    public bool? Coupled { get; init; }

    /// <summary>true: diagonal peepholes for the gates that exist.</summary>
    public bool? Peepholes { get; init; }

    /// <summary>"identity": g = a_g (NIAF).</summary>
    public string? CellInput { get; init; }

    /// <summary>"identity": h = o c (NOAF).</summary>
    public string? CellOutput { get; init; }

    /// <summary>true: full gate recurrence (FGR).</summary>
    public bool? GateRecurrence { get; init; }

    /// <summary>P > 0: PyTorch's proj_size.</summary>
    public int? Projection { get; init; }

    /// <summary>The GenRnn kind with exactly these options, or null when GenRnn has none yet (FGR, projection).</summary>
    public CellKind? Kind =>
        (GateRecurrence, Projection) != (null, null) ? null
        : (CellInput, CellOutput, Coupled) != (null, null, null) ? CellKind.LstmVariant
        : (InputGate ?? true, ForgetGate ?? true, OutputGate ?? true, Peepholes ?? false) switch
        {
            (true, true, true, false) => CellKind.Lstm,
            (true, false, true, false) => CellKind.LstmNoForgetGate,
            (true, true, true, true) => CellKind.PeepholeLstm,
            (false, false, false, false) => CellKind.GatelessLstm,
            _ => CellKind.LstmVariant,
        };

    /// <summary>These options as GenRnn's (FGR and projection left out: GenRnn does not have them).</summary>
    public LstmOptions ToLstmOptions() => new()
    {
        InputGate = InputGate ?? true,
        ForgetGate = ForgetGate ?? true,
        OutputGate = OutputGate ?? true,
        CoupledGates = Coupled ?? false,
        Peepholes = Peepholes ?? false,
        CellInputActivation = CellInput == "identity" ? CellActivation.Identity : CellActivation.Tanh,
        CellOutputActivation = CellOutput == "identity" ? CellActivation.Identity : CellActivation.Tanh,
    };
}

/// <summary>What the variants file adds to a case: options, row names, bidirectional layers.</summary>
public static class GoldenVariant
{
    /// <summary>
    /// The GenRnn kind of a case's <paramref name="cell"/> name with its <paramref name="options"/>, or null when GenRnn
    /// has no such cell yet (the LSTM options GenRnn does not have: FGR, projection).
    /// </summary>
    public static CellKind? Kind(string cell, GoldenLstmOptions? options) =>
        cell == "lstm" && options is not null ? options.Kind
        : cell switch
        {
            "mut1" => CellKind.Mut1,
            "mut2" => CellKind.Mut2,
            "mut3" => CellKind.Mut3,
            _ => GoldenData.ParseCell(cell),
        };
}
