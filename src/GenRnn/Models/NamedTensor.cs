namespace GenRnn;

/// <summary>A tensor in PyTorch's row-major layout with its name and shape, as exchanged with other frameworks.</summary>
/// <param name="Name">The tensor's name, e.g. <c>weight_ih_l0</c>.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Data">Its elements, row-major.</param>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data)
{
    /// <summary>The shape as PyTorch prints it, e.g. <c>[64, 8]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
