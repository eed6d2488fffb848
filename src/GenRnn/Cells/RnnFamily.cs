// The RNN family: everything the runtime knows about it, in one file. The description is compiled into the generator
// too (GenRnn.Generators.csproj links this folder); the attribute and the float64 reference are the runtime's alone.
namespace GenRnn.Cells
{
    internal static partial class CellFamilies
    {
        /// <summary>The tanh RNN (PyTorch nn.RNN): h' = tanh(W_ih x + b_ih + W_hh h + b_hh), one gate block.</summary>
        public static readonly CellFamily Rnn = Register(new(
            CellKind.Rnn,
            attribute: "Rnn",
            options: [],
            gateBlocks: ["a"],
            hasCellState: false,
            diagonals: [],
            forgetBlock: -1,
            recurrentApart: false,
            recurrentWaitsForReset: false,
            onnx: new OnnxForm("RNN", [0])));
    }
}

#if !GENRNN_GENERATOR
namespace GenRnn
{
    /// <summary>A vanilla (Elman) recurrent layer: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class RnnAttribute : Attribute
    {
        /// <summary>Declares a vanilla tanh RNN layer.</summary>
        /// <param name="inputSize">Floats per step entering the layer (the previous layer's hidden size when stacked).</param>
        /// <param name="hiddenSize">Size of the hidden state.</param>
        public RnnAttribute(int inputSize, int hiddenSize)
        {
            InputSize = inputSize;
            HiddenSize = hiddenSize;
        }

        /// <summary>Floats per step entering the layer.</summary>
        public int InputSize { get; }

        /// <summary>Size of the hidden state.</summary>
        public int HiddenSize { get; }
    }
}

namespace GenRnn.Reference
{
    // ReferenceModel's RNN family: its forward step and its gradient, read and changed together.
    public sealed partial class ReferenceModel
    {
        private static readonly bool s_rnnRegistered = RegisterCell(
            CellKind.Rnn,
            static (m, p, r) => m.RnnForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.RnnBackward(p, r, dh, dx, dhPrev, g));

        // =============================================================================================================
        // RNN (one block): h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
        // =============================================================================================================

        private void RnnForward(LayerParameters p, LayerRecord r)
        {
            // a[H] = W_ih[H, I] · x[I] + b_ih[H] + W_hh[H, H] · h[H] + b_hh[H]
            Span<double> a = Preactivations(p, r);
            for (int n = 0; n < p.Hidden; n++)
            {
                // h'[H] = tanh(a)
                r.H[n] = r.Gates[n] = Math.Tanh(a[n]);
            }
        }

        private void RnnBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
        {
            Span<double> da = _dax.AsSpan(0, p.Hidden);
            for (int n = 0; n < p.Hidden; n++)
            {
                // da[H] = dh' * (1 - h'^2)
                da[n] = dh[n] * (1 - r.H[n] * r.H[n]);
            }

            // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[H]
            PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
        }
    }
}
#endif
