namespace GenRnn.Cells;

internal static partial class CellFamilies
{
    // ONNX stacks an LSTM's blocks as i, o, f, c; PyTorch as i, f, g, o.
    private static readonly int[] OnnxLstmBlocks = [0, 3, 1, 2];

    /// <summary>
    /// PyTorch's nn.LSTM: i, f, o = σ(a), g = tanh(a), c' = f c + i g, h' = o tanh(c'). The recommended initialisation
    /// starts the forget gate's bias at 1 (Jozefowicz et al. 2015).
    /// </summary>
    public static readonly CellFamily Lstm = new(
        CellKind.Lstm,
        gateBlocks: ["i", "f", "g", "o"],
        hasCellState: true,
        diagonals: [],
        forgetBlock: 1,
        recurrentApart: false,
        recurrentWaitsForReset: false,
        onnx: new OnnxForm("LSTM", OnnxLstmBlocks));

    /// <summary>The 1997 LSTM, without a forget gate: c' = c + i g.</summary>
    public static readonly CellFamily LstmNoForgetGate = new(
        CellKind.LstmNoForgetGate,
        gateBlocks: ["i", "g", "o"],
        hasCellState: true,
        diagonals: [],
        forgetBlock: -1,
        recurrentApart: false,
        recurrentWaitsForReset: false,
        onnx: null,
        noOnnxReason: "an LSTM without a forget gate (1997), which ONNX's LSTM operator cannot express (its cell always has a " +
            "forget gate, c' = f*c + i*g, and input_forget couples f to i instead of fixing it at 1)");

    /// <summary>
    /// The LSTM with diagonal peepholes (Gers and Schmidhuber 2000): p_i and p_f read c, p_o reads c'. ONNX's P input
    /// holds them in the order i, o, f.
    /// </summary>
    public static readonly CellFamily PeepholeLstm = new(
        CellKind.PeepholeLstm,
        gateBlocks: ["i", "f", "g", "o"],
        hasCellState: true,
        diagonals: ["peephole_i", "peephole_f", "peephole_o"],
        forgetBlock: 1,
        recurrentApart: false,
        recurrentWaitsForReset: false,
        onnx: new OnnxForm("LSTM", OnnxLstmBlocks, peepholes: ["peephole_i", "peephole_o", "peephole_f"]));
}
