namespace GenRnn.Interop;

/// <summary>What a safetensors file holds, every tensor converted to float.</summary>
/// <param name="Tensors">The tensors in the order of their data in the file, row-major.</param>
/// <param name="Metadata">The free-form string pairs of the header's <c>__metadata__</c> (empty without one).</param>
public sealed record SafeTensorsContent(IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public NamedTensor? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (NamedTensor t in Tensors)
        {
            if (t.Name == name)
            {
                return t;
            }
        }

        return null;
    }
}
