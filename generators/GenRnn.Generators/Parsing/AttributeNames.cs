namespace GenRnn.Generators.Parsing;

/// <summary>Metadata names of the attributes the generator reads.</summary>
internal static class AttributeNames
{
    public const string RecurrentModel = "GenRnn.RecurrentModelAttribute";
    public const string Rnn = "GenRnn.RnnAttribute";
    public const string Lstm = "GenRnn.LstmAttribute";
    public const string Gru = "GenRnn.GruAttribute";
    public const string Embedding = "GenRnn.EmbeddingAttribute";
    public const string Dense = "GenRnn.DenseAttribute";

    public static readonly string[] Layers = { Rnn, Lstm, Gru, Embedding, Dense };
}
