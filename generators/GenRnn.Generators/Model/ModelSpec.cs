namespace GenRnn.Generators.Model;

/// <summary>
/// Everything the emitter needs to write one model. Every member must have value equality (strings, ints, enums,
/// records, EquatableArray): no ISymbol, SyntaxNode, Location or Compilation, or the pipeline stops caching.
/// </summary>
/// <param name="Namespace">The containing namespace as written in metadata (no '@' on keywords), or empty for the global namespace.</param>
/// <param name="TypeName">The class's name as written in metadata (no '@' on keywords).</param>
/// <param name="Vocabulary">Embedding vocabulary, or 0 without an embedding.</param>
/// <param name="EmbeddingDimensions">Embedding dimensions, or 0.</param>
/// <param name="Layers">Recurrent layers, bottom first.</param>
/// <param name="HeadOutputs">Dense head outputs, or 0 without a head.</param>
/// <param name="HeadActivation">The head's activation.</param>
/// <param name="Tuning">How the kernels compute (vector width, register blocking).</param>
internal sealed record ModelSpec(
    string Namespace,
    string TypeName,
    int Vocabulary,
    int EmbeddingDimensions,
    EquatableArray<LayerModel> Layers,
    int HeadOutputs,
    HeadActivation HeadActivation,
    Tuning Tuning)
{
    public string FullName => Namespace.Length == 0 ? TypeName : Namespace + "." + TypeName;

    public bool HasEmbedding => Vocabulary > 0;

    public bool HasHead => HeadOutputs > 0;
}

/// <summary>What parsing one declaration gives: the model (null when it has errors) and the diagnostics to report.</summary>
internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Kernel tuning from [RecurrentModel]: the widest vector in bits (512, 256 or 32), accumulators per kernel pass,
/// whether to generate the bfloat16 inference snapshot, and the cores a Step uses (1 or 2).
/// </summary>
internal sealed record Tuning(int VectorWidth, int RegisterBlocks, bool BFloat16Inference = false, int Cores = 1)
{
    public static Tuning Default { get; } = new(512, 4);
}
