using System;

namespace GenRnn.Cells;

/// <summary>
/// Every cell kind's description. A new kind is a value in <see cref="CellKind"/>, its description in a file of this
/// folder and its line in <see cref="For"/> (docs/design.md, "A new cell").
/// </summary>
internal static partial class CellFamilies
{
    /// <summary>The description of <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined cell kind.</exception>
    public static CellFamily For(CellKind kind) => kind switch
    {
        CellKind.Rnn => Rnn,
        CellKind.Lstm => Lstm,
        CellKind.LstmNoForgetGate => LstmNoForgetGate,
        CellKind.PeepholeLstm => PeepholeLstm,
        CellKind.Gru => Gru,
        CellKind.GruResetBefore => GruResetBefore,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"GenRnn has no cell kind {kind}."),
    };
}
