using System;
using System.Collections.Generic;

namespace GenRnn.Cells;

/// <summary>
/// Every cell kind's description. Each family's file (RnnFamily.cs, LstmFamily.cs, GruFamily.cs) declares its kinds as
/// static fields initialised through <see cref="Register"/>, so a new kind is added in its family's file alone
/// (docs/design.md, "A new cell"); <see cref="For(CellKind)"/> and <see cref="All"/> read the table they fill.
/// </summary>
internal static partial class CellFamilies
{
    // Filled by the field initialisers of every part of this class, which all run in its static constructor, before
    // For or All reads the table (both read a static field); ??= because the parts' initialisers run in no set order.
    private static Dictionary<CellKind, CellFamily>? s_table;

    /// <summary>The description of <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined cell kind.</exception>
    public static CellFamily For(CellKind kind) =>
        s_table!.TryGetValue(kind, out CellFamily? family)
            ? family
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, $"GenRnn has no cell kind {kind}.");

    /// <summary>Every described kind, in the order of their <see cref="CellKind"/> values.</summary>
    public static IReadOnlyList<CellFamily> All
    {
        get
        {
            var all = new List<CellFamily>(s_table!.Values);
            all.Sort((a, b) => a.Kind.CompareTo(b.Kind));
            return all;
        }
    }

    /// <summary>Adds <paramref name="family"/> to the table (once per kind) and returns it.</summary>
    private static CellFamily Register(CellFamily family)
    {
        s_table ??= [];
        s_table.Add(family.Kind, family);
        return family;
    }
}
