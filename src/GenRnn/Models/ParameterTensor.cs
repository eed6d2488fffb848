namespace GenRnn;

/// <summary>
/// One parameter tensor of a generated model: its PyTorch name and shape, and where it lives in the model's flat
/// <c>Parameters</c> (and <c>Gradients</c>) buffer.
/// </summary>
/// <param name="Name">PyTorch name, e.g. <c>weight_ih_l0</c>, <c>embedding.weight</c>, <c>head.bias</c>.</param>
/// <param name="Shape">PyTorch shape: [rows, columns] for matrices, [length] for vectors.</param>
/// <param name="Offset">First element in the flat buffer.</param>
/// <param name="Transposed">
/// True when a matrix is stored column-major (the transpose of PyTorch's row-major layout): element [r, c] lives at
/// <c>Offset + c * rows + r</c>. Otherwise element [r, c] lives at <c>Offset + r * columns + c</c>.
/// </param>
public sealed record ParameterTensor(string Name, int[] Shape, int Offset, bool Transposed)
{
    /// <summary>Number of elements.</summary>
    public int Length
    {
        get
        {
            int n = 1;
            foreach (int d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>The shape as PyTorch prints it, e.g. <c>[64, 8]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>Index in the flat buffer of the element at PyTorch row-major position <paramref name="index"/>.</summary>
    public int FlatIndex(int index)
    {
        if (!Transposed || Shape.Length != 2)
        {
            return Offset + index;
        }

        int rows = Shape[0], columns = Shape[1];
        int r = index / columns, c = index % columns;
        return Offset + c * rows + r;
    }
}
