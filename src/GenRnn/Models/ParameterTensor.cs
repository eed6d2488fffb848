namespace GenRnn;

/// <summary>
/// One parameter tensor of a generated model: its PyTorch name and shape, and where it lives in the model's flat
/// <c>Parameters</c> (and <c>Gradients</c>) buffer.
/// </summary>
/// <param name="Name">PyTorch name, e.g. <c>weight_ih_l0</c>, <c>embedding.weight</c>, <c>head.bias</c>.</param>
/// <param name="Shape">PyTorch shape: [rows, columns] for matrices, [length] for vectors.</param>
/// <param name="Offset">First element in the flat buffer.</param>
/// <param name="BlockWidth">
/// 0 when a tensor is stored as PyTorch stores it (row-major: element [r, c] at <c>Offset + r * columns + c</c>).
/// Otherwise the matrix is stored transposed in blocks of <paramref name="BlockWidth"/> rows: rows [b*B, b*B + w) form
/// block b, which holds, for each column c (an input), its w consecutive values; so element [r, c] lives at
/// <c>Offset + b * B * columns + c * w + (r - b * B)</c> with b = r / B and w = min(B, rows - b * B). For each input the
/// gate pre-activations of a block are contiguous, and each block is one contiguous stretch of memory, which serves
/// the forward product (broadcast an input, multiply-add a block row) and the backward products alike.
/// </param>
public sealed record ParameterTensor(string Name, int[] Shape, int Offset, int BlockWidth)
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

    /// <summary>Whether the matrix is stored transposed (in column blocks) rather than in PyTorch's row-major order.</summary>
    public bool Transposed => BlockWidth > 0 && Shape.Length == 2;

    /// <summary>Index in the flat buffer of the element at PyTorch row-major position <paramref name="index"/>.</summary>
    public int FlatIndex(int index)
    {
        if (!Transposed)
        {
            return Offset + index;
        }

        int rows = Shape[0], columns = Shape[1];
        int r = index / columns, c = index % columns;
        int block = r / BlockWidth;
        int width = Math.Min(BlockWidth, rows - block * BlockWidth);
        return Offset + block * BlockWidth * columns + c * width + (r - block * BlockWidth);
    }
}
