namespace GenRnn.Tests.Golden;

/// <summary>
/// A model case: embedding, one recurrent layer, linear head, softmax cross-entropy (natural log) averaged over the
/// steps that have targets; h0 = c0 = 0.
/// </summary>
public sealed class GoldenModelCase : GoldenCellCase
{
    /// <summary>V, the embedding's vocabulary.</summary>
    public required int Vocab { get; init; }

    /// <summary>E, the embedding's dimensions.</summary>
    public required int Embedding { get; init; }

    /// <summary>H.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>C, the head's outputs.</summary>
    public required int Classes { get; init; }

    /// <summary>T.</summary>
    public required int Steps { get; init; }

    /// <summary><c>many_to_many</c> (a target per step) or <c>many_to_one</c> (a target for the last step).</summary>
    public required string Head { get; init; }

    /// <summary>Always <c>zeros</c>.</summary>
    public required string H0 { get; init; }

    /// <summary>Always <c>zeros</c>.</summary>
    public required string C0 { get; init; }

    /// <summary>The loss, in words.</summary>
    public required string LossDefinition { get; init; }

    /// <summary>[V][E].</summary>
    public required double[][] EmbeddingWeight { get; init; }

    /// <summary>The recurrent layer's tensors.</summary>
    public required GoldenLayerParams Params { get; init; }

    /// <summary>[C][H].</summary>
    public required double[][] HeadWeight { get; init; }

    /// <summary>[C].</summary>
    public required double[] HeadBias { get; init; }

    /// <summary>[T] token ids.</summary>
    public required int[] Tokens { get; init; }

    /// <summary>[T] (many to many) or [1] (many to one) class ids.</summary>
    public required int[] Targets { get; init; }

    /// <summary>[T][C] expected head pre-activations.</summary>
    public required double[][] Logits { get; init; }

    /// <summary>Expected loss.</summary>
    public required double Loss { get; init; }

    /// <summary>[V][E] expected gradient.</summary>
    public required double[][] GradEmbedding { get; init; }

    /// <summary>Expected gradients of the recurrent layer.</summary>
    public required GoldenLayerParams GradParams { get; init; }

    /// <summary>[C][H] expected gradient.</summary>
    public required double[][] GradHeadWeight { get; init; }

    /// <summary>[C] expected gradient.</summary>
    public required double[] GradHeadBias { get; init; }

    /// <summary>Whether only the last step has a target.</summary>
    public bool ManyToOne => Head switch
    {
        "many_to_one" => true,
        "many_to_many" => false,
        _ => throw new InvalidDataException($"Unknown head '{Head}' in {Name}."),
    };

    /// <summary>The target class at <paramref name="step"/>, or null when the step has none.</summary>
    public int? Target(int step) => ManyToOne ? (step == Steps - 1 ? Targets[0] : null) : Targets[step];

    /// <summary>Number of steps with a target (the loss is the mean over them).</summary>
    public int TargetCount => ManyToOne ? 1 : Steps;

    /// <summary>Embedding → recurrent layer → dense head with <paramref name="headActivation"/>.</summary>
    public ModelDescription Describe(Activation headActivation = Activation.Identity)
        => ModelDescription.Create(Name, Vocab, Embedding, [new LayerSpec(Cell, Embedding, HiddenSize, Lstm)], Classes, headActivation);

    /// <summary>Every parameter with the model's names.</summary>
    public IEnumerable<GoldenTensor> ParameterTensors()
        => WithEmbeddingAndHead(EmbeddingWeight, Params, HeadWeight, HeadBias);

    /// <summary>Every expected parameter gradient with the model's names.</summary>
    public IEnumerable<GoldenTensor> GradientTensors()
        => WithEmbeddingAndHead(GradEmbedding, GradParams, GradHeadWeight, GradHeadBias);

    /// <summary>The parameters in <paramref name="description"/>'s flat layout.</summary>
    public float[] ImportParameters(ModelDescription description) => GoldenTensor.Import(description, ParameterTensors());

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static IEnumerable<GoldenTensor> WithEmbeddingAndHead(double[][] embedding, GoldenLayerParams layer, double[][] headWeight, double[] headBias)
    {
        yield return GoldenTensor.Matrix("embedding.weight", embedding);
        foreach (GoldenTensor t in layer.Tensors(0))
        {
            yield return t;
        }

        yield return GoldenTensor.Matrix("head.weight", headWeight);
        yield return GoldenTensor.Vector("head.bias", headBias);
    }
}
