namespace GenRnn.Tests.Golden;

/// <summary>
/// A training case: one-hot inputs of size <see cref="Vocab"/>, one recurrent layer, linear head, cross-entropy at
/// every step, trained for <see cref="Epochs"/> epochs against torch.optim (see Golden/README.md).
/// </summary>
public sealed class GoldenTrainingCase
{
    /// <summary>Case name.</summary>
    public required string Name { get; init; }

    /// <summary>The recurrent layer's cell.</summary>
    public required CellKind Cell { get; init; }

    /// <summary>Gate blocks in PyTorch's order.</summary>
    public required string GateOrder { get; init; }

    /// <summary>Always <c>one-hot</c>.</summary>
    public required string Input { get; init; }

    /// <summary>Size of the one-hot inputs.</summary>
    public required int Vocab { get; init; }

    /// <summary>H.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>C, the head's outputs.</summary>
    public required int Classes { get; init; }

    /// <summary>T of every sequence.</summary>
    public required int Steps { get; init; }

    /// <summary>[sequences][T] token ids; one batch = all sequences.</summary>
    public required int[][] Sequences { get; init; }

    /// <summary>[sequences][T] class ids.</summary>
    public required int[][] Targets { get; init; }

    /// <summary>The optimizer and its settings.</summary>
    public required GoldenOptimizer Optimizer { get; init; }

    /// <summary>Gradient clipping, or null for none.</summary>
    public GoldenClip? Clip { get; init; }

    /// <summary>The loss, in words.</summary>
    public required string LossDefinition { get; init; }

    /// <summary>Truncated BPTT, or null for whole sequences.</summary>
    public GoldenTbptt? Tbptt { get; init; }

    /// <summary>Number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>The loss before each optimizer step.</summary>
    public required double[] LossBeforeEachUpdate { get; init; }

    /// <summary>The total gradient norm before each clip (norm clipping), else empty.</summary>
    public required double[] TotalNormBeforeClip { get; init; }

    /// <summary>The number of clamped elements at each update (value clipping), else empty.</summary>
    public required int[] ElementsClipped { get; init; }

    /// <summary>The parameters before training.</summary>
    public required GoldenTrainingParams Initial { get; init; }

    /// <summary>The expected parameters after training.</summary>
    public required GoldenTrainingParams Final { get; init; }

    /// <summary>One-hot inputs (no embedding) → recurrent layer → identity dense head.</summary>
    public ModelDescription Describe()
        => ModelDescription.Create(Name, 0, 0, [new LayerSpec(Cell, Vocab, HiddenSize)], Classes, Activation.Identity);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A training case's parameters: the recurrent layer and the head.</summary>
public sealed class GoldenTrainingParams
{
    /// <summary>The recurrent layer's tensors.</summary>
    public required GoldenLayerParams Params { get; init; }

    /// <summary>[C][H].</summary>
    public required double[][] HeadWeight { get; init; }

    /// <summary>[C].</summary>
    public required double[] HeadBias { get; init; }

    /// <summary>Every tensor with the model's names.</summary>
    public IEnumerable<GoldenTensor> Tensors()
    {
        foreach (GoldenTensor t in Params.Tensors(0))
        {
            yield return t;
        }

        yield return GoldenTensor.Matrix("head.weight", HeadWeight);
        yield return GoldenTensor.Vector("head.bias", HeadBias);
    }

    /// <summary>The parameters in <paramref name="description"/>'s flat layout.</summary>
    public float[] ImportParameters(ModelDescription description) => GoldenTensor.Import(description, Tensors());
}

/// <summary>A torch.optim optimizer: <c>sgd</c> (optional momentum), <c>adam</c> or <c>rmsprop</c>.</summary>
public sealed class GoldenOptimizer
{
    /// <summary><c>sgd</c>, <c>adam</c> or <c>rmsprop</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Learning rate.</summary>
    public required double Lr { get; init; }

    /// <summary>SGD momentum, when given.</summary>
    public double? Momentum { get; init; }

    /// <summary>Adam β1.</summary>
    public double? Beta1 { get; init; }

    /// <summary>Adam β2.</summary>
    public double? Beta2 { get; init; }

    /// <summary>Adam and RMSprop ε.</summary>
    public double? Eps { get; init; }

    /// <summary>RMSprop α.</summary>
    public double? Alpha { get; init; }
}

/// <summary>Gradient clipping: <c>norm</c> (clip_grad_norm_ over all parameters) or <c>value</c> (clip_grad_value_).</summary>
public sealed class GoldenClip
{
    /// <summary><c>norm</c> or <c>value</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>The maximum norm or value.</summary>
    public required double Max { get; init; }
}

/// <summary>Truncated BPTT in chunks of <see cref="Chunk"/> steps.</summary>
public sealed class GoldenTbptt
{
    /// <summary>Steps per chunk.</summary>
    public required int Chunk { get; init; }

    /// <summary>The rule, in words.</summary>
    public required string Rule { get; init; }
}
