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
}
