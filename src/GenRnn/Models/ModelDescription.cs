using GenRnn.Cells;

namespace GenRnn;

/// <summary>The shape of a generated model, as declared by its attributes.</summary>
/// <param name="Name">The model's full type name.</param>
/// <param name="Vocabulary">Token ids accepted by the embedding, or 0 without an embedding.</param>
/// <param name="EmbeddingDimensions">Length of an embedding vector, or 0 without an embedding.</param>
/// <param name="Layers">The recurrent layers, bottom first.</param>
/// <param name="HeadOutputs">Outputs of the dense head, or 0 without a head.</param>
/// <param name="HeadActivation">The head's output function.</param>
/// <param name="Tensors">Every parameter tensor, in buffer order.</param>
public sealed record ModelDescription(
    string Name,
    int Vocabulary,
    int EmbeddingDimensions,
    IReadOnlyList<LayerDescription> Layers,
    int HeadOutputs,
    Activation HeadActivation,
    IReadOnlyList<ParameterTensor> Tensors)
{
    /// <summary>Total number of parameters (the length of Parameters and Gradients).</summary>
    public int ParameterCount => Tensors.Count == 0 ? 0 : Tensors[^1].Offset + Tensors[^1].Length;

    /// <summary>The tensor with this PyTorch name, or null.</summary>
    public ParameterTensor? Find(string name)
    {
        foreach (ParameterTensor t in Tensors)
        {
            if (t.Name == name)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Gate rows per block of a stored weight matrix (see <see cref="ParameterTensor.BlockWidth"/>).</summary>
    public const int ColumnBlock = 64;

    /// <summary>
    /// Describes a model and lays out its parameters as generated code does: the embedding (row-major [V][E]), then
    /// per layer the tensors of its cell (GenRnn.Cells.CellFamily.Tensors: weight_ih and weight_hh stored transposed in
    /// blocks of <see cref="ColumnBlock"/> gate rows, for each input a contiguous run of gate pre-activations, bias_ih,
    /// bias_hh and the peepholes), then the head's weight
    /// (blocked the same way) and bias.
    /// </summary>
    public static ModelDescription Create(string name, int vocabulary, int embeddingDimensions, IReadOnlyList<LayerSpec> layers, int headOutputs, Activation headActivation)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(layers);
        var tensors = new List<ParameterTensor>();
        int offset = 0;
        void Add(string tensorName, bool blocked, params int[] shape)
        {
            var t = new ParameterTensor(tensorName, shape, offset, blocked ? ColumnBlock : 0);
            tensors.Add(t);
            offset += t.Length;
        }

        if (vocabulary > 0)
        {
            Add("embedding.weight", false, vocabulary, embeddingDimensions);
        }

        var described = new List<LayerDescription>(layers.Count);
        int stateOffset = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            // One description per cell: options equal to a named LSTM kind's give that kind, others LstmVariant with them.
            CellFamily family = CellFamilies.For(layers[l].Cell, layers[l].Lstm);
            if (family.SizeConflict(layers[l].InputSize, layers[l].HiddenSize) is string conflict)
            {
                throw new ArgumentException($"Layer {l} of {name}: {conflict}.", nameof(layers));
            }

            var layer = new LayerDescription(family.Kind, layers[l].InputSize, layers[l].HiddenSize, stateOffset, family.Kind == CellKind.LstmVariant ? family.Lstm : null);
            described.Add(layer);
            foreach (CellTensor t in layer.Family.Tensors(layer.InputSize, layer.HiddenSize))
            {
                Add($"{t.Name}_l{l}", t.IsMatrix, t.IsMatrix ? [t.Rows, t.Columns] : [t.Rows]);
            }

            stateOffset += layer.Family.StateFloats(layer.HiddenSize);
        }

        if (headOutputs > 0)
        {
            Add("head.weight", true, headOutputs, layers[^1].HiddenSize);
            Add("head.bias", false, headOutputs);
        }

        return new ModelDescription(name, vocabulary, embeddingDimensions, described, headOutputs, headActivation, tensors);
    }

    /// <summary>Floats in a state: h, and c for LSTMs, of every layer.</summary>
    public int StateSize
    {
        get
        {
            int n = 0;
            foreach (LayerDescription l in Layers)
            {
                n += l.Family.StateFloats(l.HiddenSize);
            }

            return n;
        }
    }
}
