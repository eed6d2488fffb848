namespace GenRnn.Reference;

// The table of every cell kind's float64 step and gradient. Each family's file (src/GenRnn/Cells) registers its kinds
// through a static field, so adding a kind never edits this file; a kind without an entry fails when a reference of
// it is created, never by falling back to another cell.
public sealed partial class ReferenceModel
{
    // Filled by field initialisers in the parts of this class, which all run in its static constructor, before any
    // reference reads the table; ??= because the parts' initialisers run in no set order.
    private static Dictionary<CellKind, ReferenceCell>? s_cells;

    private delegate void CellStep(ReferenceModel model, LayerParameters p, LayerRecord r);

    private delegate void CellGradient(ReferenceModel model, LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients);

    private static bool RegisterCell(CellKind kind, CellStep forward, CellGradient backward)
    {
        s_cells ??= [];
        s_cells.Add(kind, new ReferenceCell(forward, backward));
        return true;
    }

    private static ReferenceCell ReferenceOf(CellKind kind) =>
        s_cells!.TryGetValue(kind, out ReferenceCell? cell)
            ? cell
            : throw new NotSupportedException($"The reference model has no equations for the cell kind {kind}.");

    /// <summary>A kind's forward step and gradient.</summary>
    private sealed record ReferenceCell(CellStep Forward, CellGradient Backward);
}
