namespace GenRnn.Cells;

internal static partial class CellFamilies
{
    /// <summary>The tanh RNN (PyTorch nn.RNN): h' = tanh(W_ih x + b_ih + W_hh h + b_hh), one gate block.</summary>
    public static readonly CellFamily Rnn = new(
        CellKind.Rnn,
        gateBlocks: ["a"],
        hasCellState: false,
        diagonals: [],
        forgetBlock: -1,
        recurrentApart: false,
        recurrentWaitsForReset: false,
        onnx: new OnnxForm("RNN", [0]));
}
