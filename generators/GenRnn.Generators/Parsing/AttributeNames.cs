using System.Linq;
using GenRnn.Cells;
using GenRnn.Generators.Emitting;

namespace GenRnn.Generators.Parsing;

/// <summary>Metadata names of the attributes the generator reads.</summary>
internal static class AttributeNames
{
    public const string RecurrentModel = "GenRnn.RecurrentModelAttribute";
    public const string Embedding = "GenRnn.EmbeddingAttribute";
    public const string Dense = "GenRnn.DenseAttribute";

    /// <summary>
    /// The attributes that declare recurrent layers, as the cell families name them ([Rnn], [Lstm], [Gru]), of the kinds
    /// the generator has an emitter for: a described kind it cannot emit yet (MUT1-3) is not read, so a class of that
    /// name can never reach the emitter, which would have to throw.
    /// </summary>
    public static readonly string[] Cells = CellFamilies.All.Where(f => CellFamilyEmitter.Emits(f.Kind)).Select(f => Of(f.Attribute)).Distinct().ToArray();

    public static readonly string[] Layers = Cells.Concat(new[] { Embedding, Dense }).ToArray();

    /// <summary>The metadata name of the attribute a cell family calls <paramref name="shortName"/>.</summary>
    public static string Of(string shortName) => $"GenRnn.{shortName}Attribute";
}
