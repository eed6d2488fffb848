namespace GenRnn;

/// <summary>
/// A token embedding in front of the first recurrent layer: inputs become token ids in [0, vocabulary).
/// Must be the first layer; the first recurrent layer's input size must equal the dimensions.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Declares an embedding of <paramref name="vocabulary"/> tokens into <paramref name="dimensions"/> floats.</summary>
    /// <param name="vocabulary">Number of distinct token ids.</param>
    /// <param name="dimensions">Length of each embedding vector.</param>
    public EmbeddingAttribute(int vocabulary, int dimensions)
    {
        Vocabulary = vocabulary;
        Dimensions = dimensions;
    }

    /// <summary>Number of distinct token ids.</summary>
    public int Vocabulary { get; }

    /// <summary>Length of each embedding vector.</summary>
    public int Dimensions { get; }
}
