namespace GenRnn.Cells;

internal static partial class CellFamilies
{
    // ONNX stacks a GRU's blocks as z, r, h; PyTorch as r, z, n.
    private static readonly int[] OnnxGruBlocks = [1, 0, 2];

    /// <summary>
    /// PyTorch's nn.GRU (cuDNN, ONNX linear_before_reset = 1): n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
    /// h' = (1 - z) n + z h.
    /// </summary>
    public static readonly CellFamily Gru = new(
        CellKind.Gru,
        gateBlocks: ["r", "z", "n"],
        hasCellState: false,
        diagonals: [],
        forgetBlock: -1,
        recurrentApart: true,
        recurrentWaitsForReset: false,
        onnx: new OnnxForm("GRU", OnnxGruBlocks, linearBeforeReset: 1));

    /// <summary>
    /// The GRU of Cho et al. 2014 (ONNX linear_before_reset = 0): n = tanh(W_in x + b_in + W_hn (r h) + b_hn), so the n
    /// block of the recurrent product waits for r.
    /// </summary>
    public static readonly CellFamily GruResetBefore = new(
        CellKind.GruResetBefore,
        gateBlocks: ["r", "z", "n"],
        hasCellState: false,
        diagonals: [],
        forgetBlock: -1,
        recurrentApart: true,
        recurrentWaitsForReset: true,
        onnx: new OnnxForm("GRU", OnnxGruBlocks, linearBeforeReset: 0));
}
