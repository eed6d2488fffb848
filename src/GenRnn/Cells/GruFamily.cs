// The GRU family: everything the runtime knows about it, in one file. The descriptions are compiled into the generator
// too (GenRnn.Generators.csproj links this folder); the attribute and the float64 reference are the runtime's alone.
namespace GenRnn.Cells
{
    internal static partial class CellFamilies
    {
        // ONNX stacks a GRU's blocks as z, r, h; PyTorch as r, z, n.
        private static readonly int[] OnnxGruBlocks = [1, 0, 2];

        /// <summary>
        /// PyTorch's nn.GRU (cuDNN, ONNX linear_before_reset = 1): n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
        /// h' = (1 - z) n + z h.
        /// </summary>
        public static readonly CellFamily Gru = Register(new(
            CellKind.Gru,
            attribute: "Gru",
            options: [new("ResetAfter", true)],
            gateBlocks: ["r", "z", "n"],
            hasCellState: false,
            diagonals: [],
            forgetBlock: -1,
            recurrentApart: true,
            recurrentWaitsForReset: false,
            onnx: new OnnxForm("GRU", OnnxGruBlocks, linearBeforeReset: 1)));

        /// <summary>
        /// The GRU of Cho et al. 2014 (ONNX linear_before_reset = 0): n = tanh(W_in x + b_in + W_hn (r h) + b_hn), so the
        /// n block of the recurrent product waits for r.
        /// </summary>
        public static readonly CellFamily GruResetBefore = Register(new(
            CellKind.GruResetBefore,
            attribute: "Gru",
            options: [new("ResetAfter", false)],
            gateBlocks: ["r", "z", "n"],
            hasCellState: false,
            diagonals: [],
            forgetBlock: -1,
            recurrentApart: true,
            recurrentWaitsForReset: true,
            onnx: new OnnxForm("GRU", OnnxGruBlocks, linearBeforeReset: 0)));
    }
}

#if !GENRNN_GENERATOR
namespace GenRnn
{
    /// <summary>
    /// A gated recurrent unit layer (gates r,z,n). <see cref="ResetAfter"/> = true (the default) applies the reset gate
    /// after the recurrent product as PyTorch, cuDNN and ONNX (linear_before_reset = 1) do;
    /// false applies it before the product, as in Cho et al. (2014).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GruAttribute : Attribute
    {
        /// <summary>Declares a GRU layer.</summary>
        /// <param name="inputSize">Floats per step entering the layer (the previous layer's hidden size when stacked).</param>
        /// <param name="hiddenSize">Size of the hidden state.</param>
        public GruAttribute(int inputSize, int hiddenSize)
        {
            InputSize = inputSize;
            HiddenSize = hiddenSize;
        }

        /// <summary>Floats per step entering the layer.</summary>
        public int InputSize { get; }

        /// <summary>Size of the hidden state.</summary>
        public int HiddenSize { get; }

        /// <summary>Reset gate applied after (true, PyTorch) or before (false, Cho 2014) the recurrent product.</summary>
        public bool ResetAfter { get; set; } = true;
    }
}

namespace GenRnn.Reference
{
    // ReferenceModel's GRU family (Gru, GruResetBefore): each kind's forward step and its gradient, read and changed
    // together.
    public sealed partial class ReferenceModel
    {
        private static readonly bool s_gruRegistered = RegisterCell(
            CellKind.Gru,
            static (m, p, r) => m.GruForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.GruBackward(p, r, dh, dx, dhPrev, g));

        private static readonly bool s_gruResetBeforeRegistered = RegisterCell(
            CellKind.GruResetBefore,
            static (m, p, r) => m.GruResetBeforeForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.GruResetBeforeBackward(p, r, dh, dx, dhPrev, g));

        // =============================================================================================================
        // GRU, reset after the recurrent product (PyTorch; gates r, z, n):
        // r = σ(ax_r + ah_r), z = σ(ax_z + ah_z), n = tanh(ax_n + r (W_hn h + b_hn)), h' = (1 - z) n + z h
        // =============================================================================================================

        private void GruForward(LayerParameters p, LayerRecord r)
        {
            int hs = p.Hidden;
            Span<double> ax = _ax.AsSpan(0, 3 * hs), ah = _ah.AsSpan(0, 3 * hs);
            // ax[3H] = W_ih[3H, I] · x[I] + b_ih[3H]
            Affine(p.WeightIh, p.BiasIh, 0, r.X, ax);
            // ah[3H] = W_hh[3H, H] · h[H] + b_hh[3H]
            Affine(p.WeightHh, p.BiasHh, 0, r.HPrev, ah);
            for (int n = 0; n < hs; n++)
            {
                // rg, z[H] = σ(ax_r + ah_r), σ(ax_z + ah_z)
                double rg = Sigmoid(ax[n] + ah[n]), z = Sigmoid(ax[hs + n] + ah[hs + n]);
                // nn[H] = tanh(ax_n + rg * ah_n)
                double nn = Math.Tanh(ax[2 * hs + n] + rg * ah[2 * hs + n]);
                // h'[H] = (1 - z) * nn + z * h
                r.H[n] = (1 - z) * nn + z * r.HPrev[n];
                r.HiddenN[n] = ah[2 * hs + n];
                r.Gates[n] = rg;
                r.Gates[hs + n] = z;
                r.Gates[2 * hs + n] = nn;
            }
        }

        private void GruBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
        {
            int hs = p.Hidden;
            Span<double> dax = _dax.AsSpan(0, 3 * hs), dah = _dah.AsSpan(0, 3 * hs);
            for (int n = 0; n < hs; n++)
            {
                double rg = r.Gates[n], z = r.Gates[hs + n], nn = r.Gates[2 * hs + n], hPrev = r.HPrev[n];
                // dnn[H] = dh' * (1 - z);  dz[H] = dh' * (h - nn);  dh[H] += dh' * z
                double dnn = dh[n] * (1 - z);
                double dz = dh[n] * (hPrev - nn);
                dhPrev[n] += dh[n] * z;
                // dax_n[H] = dnn * (1 - nn^2);  dah_n[H] = dax_n * rg;  drg[H] = dax_n * ah_n
                double dan = dnn * (1 - nn * nn);
                double drg = dan * r.HiddenN[n];
                // dax_r = dah_r = drg * rg(1 - rg);  dax_z = dah_z = dz * z(1 - z)
                dax[n] = dah[n] = drg * rg * (1 - rg);
                dax[hs + n] = dah[hs + n] = dz * z * (1 - z);
                dax[2 * hs + n] = dan;
                dah[2 * hs + n] = dan * rg;
            }

            // dW_ih[3H, I] += dax ⊗ x;  db_ih[3H] += dax;  dx[I] += W_ihᵀ · dax
            AffineBackward(p.WeightIh, p.BiasIh, 0, r.X, dax, dx, gradients);
            // dW_hh[3H, H] += dah ⊗ h;  db_hh[3H] += dah;  dh[H] += W_hhᵀ · dah
            AffineBackward(p.WeightHh, p.BiasHh, 0, r.HPrev, dah, dhPrev, gradients);
        }

        // =============================================================================================================
        // GRU, reset before the recurrent product (Cho et al. 2014; gates r, z, n):
        // r, z as above, n = tanh(ax_n + W_hn (r h) + b_hn), h' = (1 - z) n + z h
        // =============================================================================================================

        private void GruResetBeforeForward(LayerParameters p, LayerRecord r)
        {
            int hs = p.Hidden;
            Span<double> ax = _ax.AsSpan(0, 3 * hs), ah = _ah.AsSpan(0, 3 * hs);
            // ax[3H] = W_ih[3H, I] · x[I] + b_ih[3H]
            Affine(p.WeightIh, p.BiasIh, 0, r.X, ax);
            // ah_rz[2H] = W_hh[0:2H, H] · h[H] + b_hh[0:2H]
            Affine(p.WeightHh, p.BiasHh, 0, r.HPrev, ah[..(2 * hs)]);
            for (int n = 0; n < hs; n++)
            {
                // rg, z[H] = σ(ax_r + ah_r), σ(ax_z + ah_z)
                double rg = Sigmoid(ax[n] + ah[n]), z = Sigmoid(ax[hs + n] + ah[hs + n]);
                r.Gates[n] = rg;
                r.Gates[hs + n] = z;
                // rh[H] = rg * h
                r.HiddenN[n] = rg * r.HPrev[n];
            }

            // ah_n[H] = W_hh[2H:3H, H] · rh[H] + b_hh[2H:3H]
            Affine(p.WeightHh, p.BiasHh, 2 * hs, r.HiddenN, ah[(2 * hs)..]);
            for (int n = 0; n < hs; n++)
            {
                double z = r.Gates[hs + n];
                // nn[H] = tanh(ax_n + ah_n)
                double nn = Math.Tanh(ax[2 * hs + n] + ah[2 * hs + n]);
                // h'[H] = (1 - z) * nn + z * h
                r.H[n] = (1 - z) * nn + z * r.HPrev[n];
                r.Gates[2 * hs + n] = nn;
            }
        }

        private void GruResetBeforeBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
        {
            int hs = p.Hidden;
            Span<double> dax = _dax.AsSpan(0, 3 * hs), dah = _dah.AsSpan(0, 3 * hs), drh = _drh.AsSpan(0, hs);
            for (int n = 0; n < hs; n++)
            {
                double z = r.Gates[hs + n], nn = r.Gates[2 * hs + n];
                // dnn[H] = dh' * (1 - z);  dh[H] += dh' * z
                double dnn = dh[n] * (1 - z);
                dhPrev[n] += dh[n] * z;
                // dax_n[H] = dah_n[H] = dnn * (1 - nn^2)
                dax[2 * hs + n] = dah[2 * hs + n] = dnn * (1 - nn * nn);
            }

            // dW_hh[2H:3H, H] += dah_n ⊗ rh;  db_hh[2H:3H] += dah_n;  drh[H] = W_hh[2H:3H, H]ᵀ · dah_n
            drh.Clear();
            AffineBackward(p.WeightHh, p.BiasHh, 2 * hs, r.HiddenN, dah[(2 * hs)..], drh, gradients);
            for (int n = 0; n < hs; n++)
            {
                double rg = r.Gates[n], z = r.Gates[hs + n], nn = r.Gates[2 * hs + n], hPrev = r.HPrev[n];
                // drg[H] = drh * h;  dh[H] += drh * rg      (rh = rg * h)
                double drg = drh[n] * hPrev;
                dhPrev[n] += drh[n] * rg;
                // dz[H] = dh' * (h - nn)
                double dz = dh[n] * (hPrev - nn);
                // dax_r = dah_r = drg * rg(1 - rg);  dax_z = dah_z = dz * z(1 - z)
                dax[n] = dah[n] = drg * rg * (1 - rg);
                dax[hs + n] = dah[hs + n] = dz * z * (1 - z);
            }

            // dW_ih[3H, I] += dax ⊗ x;  db_ih[3H] += dax;  dx[I] += W_ihᵀ · dax
            AffineBackward(p.WeightIh, p.BiasIh, 0, r.X, dax, dx, gradients);
            // dW_hh[0:2H, H] += dah_rz ⊗ h;  db_hh[0:2H] += dah_rz;  dh[H] += W_hh[0:2H, H]ᵀ · dah_rz
            AffineBackward(p.WeightHh, p.BiasHh, 0, r.HPrev, dah[..(2 * hs)], dhPrev, gradients);
        }
    }
}
#endif
