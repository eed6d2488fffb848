using System.Text.Json.Serialization;

namespace GenRnn.Tests.Golden;

/// <summary>What every layer or model case says of its cell, in both golden files.</summary>
public abstract class GoldenCellCase
{
    /// <summary>Case name.</summary>
    public required string Name { get; init; }

    /// <summary>The golden name of the cell (<c>lstm</c>, <c>gru_cho</c>, <c>mut1</c>, ...).</summary>
    [JsonPropertyName("cell")]
    public required string CellName { get; init; }

    /// <summary>The generalised LSTM's options (variants file).</summary>
    public GoldenLstmOptions? Options { get; init; }

    /// <summary>The gate blocks each tensor stacks (variants file, MUT cells).</summary>
    public Dictionary<string, string>? Rows { get; init; }

    /// <summary>Whether the layers have a reverse direction (variants file).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>The cell, or null when GenRnn has none for the case yet.</summary>
    [JsonIgnore]
    public CellKind? Kind => GoldenVariant.Kind(CellName, Options);

    /// <summary>The cell.</summary>
    [JsonIgnore]
    public CellKind Cell => Kind ?? throw new NotSupportedException($"GenRnn has no cell for the golden case {Name}.");

    /// <summary>The LSTM options of a LstmVariant case, else null (the kind says them).</summary>
    [JsonIgnore]
    public LstmOptions? Lstm => Kind == CellKind.LstmVariant ? Options!.ToLstmOptions() : null;

    /// <summary>Gate blocks in PyTorch's order, e.g. <c>i,f,g,o</c> (absent for some cases of the variants file).</summary>
    public string? GateOrder { get; init; }
}
