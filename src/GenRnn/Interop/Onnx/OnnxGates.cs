using GenRnn.Cells;

namespace GenRnn.Interop;

/// <summary>The gate blocks of ONNX's LSTM (i,o,f,c) and GRU (z,r,h) against PyTorch's (i,f,g,o and r,z,n).</summary>
internal static class OnnxGates
{
    /// <summary>For each ONNX gate block, the PyTorch block it holds (the cell's GenRnn.Cells.OnnxForm).</summary>
    public static int[] PyTorchBlockOfOnnxBlock(CellFamily family) =>
        family.Onnx is OnnxForm onnx ? [.. onnx.PyTorchBlockOfOnnxBlock] : throw new NotSupportedException($"ONNX has no form of the {family.Kind} cell.");

    /// <summary>
    /// PyTorch-ordered row blocks (each <paramref name="hidden"/> rows of <paramref name="columns"/>) in ONNX's order; an
    /// ONNX block of no PyTorch block (-1, CIFG's forget gate) is left as it is (zeros in a new array).
    /// </summary>
    public static void ToOnnx(ReadOnlySpan<float> pytorch, Span<float> onnx, int[] order, int hidden, int columns)
    {
        int block = hidden * columns;
        for (int j = 0; j < order.Length; j++)
        {
            if (order[j] >= 0)
            {
                pytorch.Slice(order[j] * block, block).CopyTo(onnx.Slice(j * block, block));
            }
        }
    }

    /// <summary>ONNX-ordered row blocks in PyTorch's order.</summary>
    public static void ToPyTorch(ReadOnlySpan<float> onnx, Span<float> pytorch, int[] order, int hidden, int columns)
    {
        int block = hidden * columns;
        for (int j = 0; j < order.Length; j++)
        {
            onnx.Slice(j * block, block).CopyTo(pytorch.Slice(order[j] * block, block));
        }
    }
}
