// The LSTM family: everything the runtime knows about it, in one file. The descriptions are compiled into the
// generator too (GenRnn.Generators.csproj links this folder); the attribute and the float64 reference are the
// runtime's alone.
namespace GenRnn.Cells
{
    internal static partial class CellFamilies
    {
        // ONNX stacks an LSTM's blocks as i, o, f, c; PyTorch as i, f, g, o.
        private static readonly int[] OnnxLstmBlocks = [0, 3, 1, 2];

        /// <summary>
        /// PyTorch's nn.LSTM: i, f, o = σ(a), g = tanh(a), c' = f c + i g, h' = o tanh(c'). The recommended initialisation
        /// starts the forget gate's bias at 1 (Jozefowicz et al. 2015).
        /// </summary>
        public static readonly CellFamily Lstm = Register(new(
            CellKind.Lstm,
            attribute: "Lstm",
            options: LstmOptionValues(inputGate: true, forgetGate: true, outputGate: true, peepholes: false),
            gateBlocks: ["i", "f", "g", "o"],
            hasCellState: true,
            diagonals: [],
            forgetBlock: 1,
            recurrentApart: false,
            recurrentWaitsForReset: false,
            onnx: new OnnxForm("LSTM", OnnxLstmBlocks),
            lstm: LstmOptions.Default));

        /// <summary>The 1997 LSTM, without a forget gate: c' = c + i g.</summary>
        public static readonly CellFamily LstmNoForgetGate = Register(new(
            CellKind.LstmNoForgetGate,
            attribute: "Lstm",
            options: LstmOptionValues(inputGate: true, forgetGate: false, outputGate: true, peepholes: false),
            gateBlocks: ["i", "g", "o"],
            hasCellState: true,
            diagonals: [],
            forgetBlock: -1,
            recurrentApart: false,
            recurrentWaitsForReset: false,
            onnx: null,
            noOnnxReason: "an LSTM without a forget gate (1997), which ONNX's LSTM operator cannot express (its cell always has a " +
                "forget gate, c' = f*c + i*g, and input_forget couples f to i instead of fixing it at 1)",
            lstm: new LstmOptions { ForgetGate = false }));

        /// <summary>
        /// The LSTM with diagonal peepholes (Gers and Schmidhuber 2000): p_i and p_f read c, p_o reads c'. ONNX's P input
        /// holds them in the order i, o, f.
        /// </summary>
        public static readonly CellFamily PeepholeLstm = Register(new(
            CellKind.PeepholeLstm,
            attribute: "Lstm",
            options: LstmOptionValues(inputGate: true, forgetGate: true, outputGate: true, peepholes: true),
            gateBlocks: ["i", "f", "g", "o"],
            hasCellState: true,
            diagonals: ["peephole_i", "peephole_f", "peephole_o"],
            forgetBlock: 1,
            recurrentApart: false,
            recurrentWaitsForReset: false,
            onnx: new OnnxForm("LSTM", OnnxLstmBlocks, peepholes: ["peephole_i", "peephole_o", "peephole_f"]),
            lstm: new LstmOptions { Peepholes = true }));

        /// <summary>
        /// The lecture's first cell, "the LSTM idea": the LSTM with no input, forget or output gate, c' = c + tanh(a),
        /// h' = tanh(c') (Greff et al.'s search space with every gate removed).
        /// </summary>
        public static readonly CellFamily GatelessLstm = Register(new(
            CellKind.GatelessLstm,
            attribute: "Lstm",
            options: LstmOptionValues(inputGate: false, forgetGate: false, outputGate: false, peepholes: false),
            gateBlocks: ["g"],
            hasCellState: true,
            diagonals: [],
            forgetBlock: -1,
            recurrentApart: false,
            recurrentWaitsForReset: false,
            onnx: null,
            noOnnxReason: "an LSTM without input, forget and output gates, which ONNX's LSTM operator cannot express (its cell " +
                "always has the three gates)",
            lstm: new LstmOptions { InputGate = false, ForgetGate = false, OutputGate = false }));

        private static CellOption[] LstmOptionValues(bool inputGate, bool forgetGate, bool outputGate, bool peepholes) =>
            [new("InputGate", inputGate), new("ForgetGate", forgetGate), new("OutputGate", outputGate), new("Peepholes", peepholes)];
    }
}

#if !GENRNN_GENERATOR
namespace GenRnn
{
    /// <summary>
    /// A long short-term memory layer. By default the LSTM with a forget gate (PyTorch's <c>nn.LSTM</c>, gates i,f,g,o).
    /// <see cref="ForgetGate"/> = false gives the 1997 LSTM (c' = c + i*g, gates i,g,o);
    /// <see cref="Peepholes"/> = true adds the diagonal peephole connections of Gers and Schmidhuber (2000);
    /// <see cref="InputGate"/>, <see cref="ForgetGate"/> and <see cref="OutputGate"/> all false give "the LSTM idea",
    /// c' = c + tanh(a), h' = tanh(c') (gate g alone). The options compose (Greff et al. 2016, <see cref="LstmOptions"/>):
    /// any gate removed, <see cref="CoupledGates"/> (f = 1 − i), peepholes for the gates that exist, identity cell input
    /// or output activations. Combinations that conflict are the compile-time error GRNN009, whose message says the fix.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LstmAttribute : Attribute
    {
        /// <summary>Declares an LSTM layer.</summary>
        /// <param name="inputSize">Floats per step entering the layer (the previous layer's hidden size when stacked).</param>
        /// <param name="hiddenSize">Size of the hidden and cell states.</param>
        public LstmAttribute(int inputSize, int hiddenSize)
        {
            InputSize = inputSize;
            HiddenSize = hiddenSize;
        }

        /// <summary>Floats per step entering the layer.</summary>
        public int InputSize { get; }

        /// <summary>Size of the hidden and cell states.</summary>
        public int HiddenSize { get; }

        /// <summary>Whether the layer has an input gate (true, the default) or adds the cell input as it is (i = 1).</summary>
        public bool InputGate { get; set; } = true;

        /// <summary>Whether the layer has a forget gate (true, the default) or is the 1997 LSTM without one.</summary>
        public bool ForgetGate { get; set; } = true;

        /// <summary>Whether the layer has an output gate (true, the default) or outputs tanh(c') as it is (o = 1).</summary>
        public bool OutputGate { get; set; } = true;

        /// <summary>Whether the gates that exist also see the cell state through diagonal peephole weights.</summary>
        public bool Peepholes { get; set; }

        /// <summary>Whether the forget gate is coupled to the input gate, f = 1 − i (CIFG), with no weights of its own.</summary>
        public bool CoupledGates { get; set; }

        /// <summary>The activation of the cell input g (tanh, the default, or identity: NIAF).</summary>
        public CellActivation CellInputActivation { get; set; }

        /// <summary>The activation of c' before the output gate (tanh, the default, or identity: h' = o c', NOAF).</summary>
        public CellActivation CellOutputActivation { get; set; }
    }
}

namespace GenRnn.Reference
{
    // ReferenceModel's LSTM family (Lstm, LstmNoForgetGate, PeepholeLstm, GatelessLstm): each kind's forward step and
    // its gradient, read and changed together.
    public sealed partial class ReferenceModel
    {
        private static readonly bool s_lstmRegistered = RegisterCell(
            CellKind.Lstm,
            static (m, p, r) => m.LstmForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.LstmBackward(p, r, dh, dc, dx, dhPrev, dcPrev, g));

        private static readonly bool s_lstmNoForgetGateRegistered = RegisterCell(
            CellKind.LstmNoForgetGate,
            static (m, p, r) => m.LstmNoForgetGateForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.LstmNoForgetGateBackward(p, r, dh, dc, dx, dhPrev, dcPrev, g));

        private static readonly bool s_peepholeLstmRegistered = RegisterCell(
            CellKind.PeepholeLstm,
            static (m, p, r) => m.PeepholeLstmForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.PeepholeLstmBackward(p, r, dh, dc, dx, dhPrev, dcPrev, g));

        private static readonly bool s_gatelessLstmRegistered = RegisterCell(
            CellKind.GatelessLstm,
            static (m, p, r) => m.GatelessLstmForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.GatelessLstmBackward(p, r, dh, dc, dx, dhPrev, dcPrev, g));

        // =============================================================================================================
        // LSTM (gates i, f, g, o): c' = σ(a_f) c + σ(a_i) tanh(a_g);  h' = σ(a_o) tanh(c')
        // =============================================================================================================

        private void LstmForward(LayerParameters p, LayerRecord r)
        {
            int hs = p.Hidden;
            // a[4H] = W_ih[4H, I] · x[I] + b_ih[4H] + W_hh[4H, H] · h[H] + b_hh[4H]
            Span<double> a = Preactivations(p, r);
            for (int n = 0; n < hs; n++)
            {
                // i, f, o[H] = σ(a_i, a_f, a_o);  g[H] = tanh(a_g)
                double i = Sigmoid(a[n]), f = Sigmoid(a[hs + n]), g = Math.Tanh(a[2 * hs + n]), o = Sigmoid(a[3 * hs + n]);
                // c'[H] = f * c + i * g
                double c = f * r.CPrev[n] + i * g;
                KeepLstmStep(r, hs, n, i, f, g, o, c);
            }
        }

        private void LstmBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
        {
            int hs = p.Hidden;
            Span<double> da = _dax.AsSpan(0, 4 * hs);
            for (int n = 0; n < hs; n++)
            {
                double i = r.Gates[n], f = r.Gates[hs + n], g = r.Gates[2 * hs + n], o = r.Gates[3 * hs + n];
                double tc = Math.Tanh(r.C[n]);
                // dc'[H] = dc' + dh' * o * (1 - tanh(c')^2)      (through h' = o * tanh(c'))
                double dcn = dc[n] + dh[n] * o * (1 - tc * tc);
                // da_i[H] = dc' * g * i(1 - i);  da_f[H] = dc' * c * f(1 - f);  da_g[H] = dc' * i * (1 - g^2)
                da[n] = dcn * g * i * (1 - i);
                da[hs + n] = dcn * r.CPrev[n] * f * (1 - f);
                da[2 * hs + n] = dcn * i * (1 - g * g);
                // da_o[H] = dh' * tanh(c') * o(1 - o)
                da[3 * hs + n] = dh[n] * tc * o * (1 - o);
                // dc[H] = dc' * f
                dcPrev[n] = dcn * f;
            }

            // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[4H]
            PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
        }

        // =============================================================================================================
        // LSTM without forget gate (1997; gates i, g, o): c' = c + σ(a_i) tanh(a_g);  h' = σ(a_o) tanh(c')
        // =============================================================================================================

        private void LstmNoForgetGateForward(LayerParameters p, LayerRecord r)
        {
            int hs = p.Hidden;
            // a[3H] = W_ih[3H, I] · x[I] + b_ih[3H] + W_hh[3H, H] · h[H] + b_hh[3H]
            Span<double> a = Preactivations(p, r);
            for (int n = 0; n < hs; n++)
            {
                // i, o[H] = σ(a_i, a_o);  g[H] = tanh(a_g)
                double i = Sigmoid(a[n]), g = Math.Tanh(a[hs + n]), o = Sigmoid(a[2 * hs + n]);
                // c'[H] = c + i * g
                double c = r.CPrev[n] + i * g;
                // h'[H] = o * tanh(c')
                r.H[n] = o * Math.Tanh(c);
                r.C[n] = c;
                r.Gates[n] = i;
                r.Gates[hs + n] = g;
                r.Gates[2 * hs + n] = o;
            }
        }

        private void LstmNoForgetGateBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
        {
            int hs = p.Hidden;
            Span<double> da = _dax.AsSpan(0, 3 * hs);
            for (int n = 0; n < hs; n++)
            {
                double i = r.Gates[n], g = r.Gates[hs + n], o = r.Gates[2 * hs + n];
                double tc = Math.Tanh(r.C[n]);
                // dc'[H] = dc' + dh' * o * (1 - tanh(c')^2)
                double dcn = dc[n] + dh[n] * o * (1 - tc * tc);
                // da_i[H] = dc' * g * i(1 - i);  da_g[H] = dc' * i * (1 - g^2);  da_o[H] = dh' * tanh(c') * o(1 - o)
                da[n] = dcn * g * i * (1 - i);
                da[hs + n] = dcn * i * (1 - g * g);
                da[2 * hs + n] = dh[n] * tc * o * (1 - o);
                // dc[H] = dc'
                dcPrev[n] = dcn;
            }

            // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[3H]
            PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
        }

        // =============================================================================================================
        // Peephole LSTM (gates i, f, g, o; diagonal peepholes p_i, p_f on c and p_o on c'):
        // i = σ(a_i + p_i c), f = σ(a_f + p_f c), c' = f c + i tanh(a_g), o = σ(a_o + p_o c'), h' = o tanh(c')
        // =============================================================================================================

        private void PeepholeLstmForward(LayerParameters p, LayerRecord r)
        {
            int hs = p.Hidden;
            double[] w = Parameters;
            // a[4H] = W_ih[4H, I] · x[I] + b_ih[4H] + W_hh[4H, H] · h[H] + b_hh[4H]
            Span<double> a = Preactivations(p, r);
            for (int n = 0; n < hs; n++)
            {
                double cPrev = r.CPrev[n];
                // i[H] = σ(a_i + p_i * c);  f[H] = σ(a_f + p_f * c);  g[H] = tanh(a_g)
                double i = Sigmoid(a[n] + w[p.PeepholeI + n] * cPrev);
                double f = Sigmoid(a[hs + n] + w[p.PeepholeF + n] * cPrev);
                double g = Math.Tanh(a[2 * hs + n]);
                // c'[H] = f * c + i * g
                double c = f * cPrev + i * g;
                // o[H] = σ(a_o + p_o * c')
                double o = Sigmoid(a[3 * hs + n] + w[p.PeepholeO + n] * c);
                KeepLstmStep(r, hs, n, i, f, g, o, c);
            }
        }

        private void PeepholeLstmBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
        {
            int hs = p.Hidden;
            double[] w = Parameters;
            Span<double> da = _dax.AsSpan(0, 4 * hs);
            for (int n = 0; n < hs; n++)
            {
                double i = r.Gates[n], f = r.Gates[hs + n], g = r.Gates[2 * hs + n], o = r.Gates[3 * hs + n];
                double cPrev = r.CPrev[n], c = r.C[n], tc = Math.Tanh(c);
                // da_o[H] = dh' * tanh(c') * o(1 - o);  dp_o[H] += da_o * c'
                double dao = dh[n] * tc * o * (1 - o);
                gradients[p.PeepholeO + n] += dao * c;
                // dc'[H] = dc' + dh' * o * (1 - tanh(c')^2) + da_o * p_o      (c' feeds h' and o)
                double dcn = dc[n] + dh[n] * o * (1 - tc * tc) + dao * w[p.PeepholeO + n];
                // da_i[H] = dc' * g * i(1 - i);  da_f[H] = dc' * c * f(1 - f);  da_g[H] = dc' * i * (1 - g^2)
                double dai = dcn * g * i * (1 - i);
                double daf = dcn * cPrev * f * (1 - f);
                da[n] = dai;
                da[hs + n] = daf;
                da[2 * hs + n] = dcn * i * (1 - g * g);
                da[3 * hs + n] = dao;
                // dp_i[H] += da_i * c;  dp_f[H] += da_f * c
                gradients[p.PeepholeI + n] += dai * cPrev;
                gradients[p.PeepholeF + n] += daf * cPrev;
                // dc[H] = dc' * f + da_i * p_i + da_f * p_f      (c feeds c', i and f)
                dcPrev[n] = dcn * f + dai * w[p.PeepholeI + n] + daf * w[p.PeepholeF + n];
            }

            // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[4H]
            PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
        }

        // h'[H] = o * tanh(c'), and the record the backward reads: c' and the four gates.
        private static void KeepLstmStep(LayerRecord r, int hs, int n, double i, double f, double g, double o, double c)
        {
            r.H[n] = o * Math.Tanh(c);
            r.C[n] = c;
            r.Gates[n] = i;
            r.Gates[hs + n] = f;
            r.Gates[2 * hs + n] = g;
            r.Gates[3 * hs + n] = o;
        }

        // =============================================================================================================
        // The LSTM idea (gate g alone): c' = c + tanh(a);  h' = tanh(c')
        // =============================================================================================================

        private void GatelessLstmForward(LayerParameters p, LayerRecord r)
        {
            // a[H] = W_ih[H, I] · x[I] + b_ih[H] + W_hh[H, H] · h[H] + b_hh[H]
            Span<double> a = Preactivations(p, r);
            for (int n = 0; n < p.Hidden; n++)
            {
                // g[H] = tanh(a);  c'[H] = c + g;  h'[H] = tanh(c')
                double g = Math.Tanh(a[n]);
                double c = r.CPrev[n] + g;
                r.H[n] = Math.Tanh(c);
                r.C[n] = c;
                r.Gates[n] = g;
            }
        }

        private void GatelessLstmBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
        {
            Span<double> da = _dax.AsSpan(0, p.Hidden);
            for (int n = 0; n < p.Hidden; n++)
            {
                double g = r.Gates[n], th = r.H[n];
                // dc'[H] = dc' + dh' * (1 - tanh(c')^2);  da_g[H] = dc' * (1 - g^2);  dc[H] = dc'
                double dcn = dc[n] + dh[n] * (1 - th * th);
                da[n] = dcn * (1 - g * g);
                dcPrev[n] = dcn;
            }

            // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[H]
            PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
        }
    }
}
#endif
