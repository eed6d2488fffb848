// The MUT family (Jozefowicz, Zaremba and Sutskever 2015, "An Empirical Exploration of Recurrent Network
// Architectures"): everything the runtime knows about it, in one file. The descriptions are compiled into the generator
// too (GenRnn.Generators.csproj links this folder); the float64 reference is the runtime's alone.
namespace GenRnn.Cells
{
    internal static partial class CellFamilies
    {
        // Every MUT has gates z, r and the candidate's pre-activation block h, one bias of 3H rows (z, r, h), and its own
        // set of weight rows (tests/GenRnn.Tests/Golden/VARIANTS.md), which is why each lists its tensors.
        private static readonly string[] MutBlocks = ["z", "r", "h"];

        /// <summary>
        /// MUT1: z = σ(W_xz x + b_z), r = σ(W_xr x + W_hr h + b_r), h' = tanh(W_hh (r⊙h) + tanh(x) + b_h)⊙z + h⊙(1 − z);
        /// weight_ih (z, r), weight_hh (r, h); input size = hidden size.
        /// </summary>
        public static readonly CellFamily Mut1 = Register(Mut(CellKind.Mut1, "Mut1", ["z", "r"], ["r", "h"], inputEqualsHidden: true));

        /// <summary>
        /// MUT2: z = σ(W_xz x + W_hz h + b_z), r = σ(x + W_hr h + b_r), h' = tanh(W_hh (r⊙h) + W_xh x + b_h)⊙z + h⊙(1 − z);
        /// weight_ih (z, h), weight_hh (z, r, h); input size = hidden size.
        /// </summary>
        public static readonly CellFamily Mut2 = Register(Mut(CellKind.Mut2, "Mut2", ["z", "h"], ["z", "r", "h"], inputEqualsHidden: true));

        /// <summary>
        /// MUT3: z = σ(W_xz x + W_hz tanh(h) + b_z), r = σ(W_xr x + W_hr h + b_r),
        /// h' = tanh(W_hh (r⊙h) + W_xh x + b_h)⊙z + h⊙(1 − z); weight_ih and weight_hh (z, r, h).
        /// </summary>
        public static readonly CellFamily Mut3 = Register(Mut(CellKind.Mut3, "Mut3", ["z", "r", "h"], ["z", "r", "h"], inputEqualsHidden: false));

        private static CellFamily Mut(CellKind kind, string attribute, string[] inputRows, string[] recurrentRows, bool inputEqualsHidden) => new(
            kind,
            attribute: attribute,
            options: [],
            gateBlocks: MutBlocks,
            hasCellState: false,
            diagonals: [],
            // z is an update gate (h' keeps h where z = 0), not a forget gate whose bias 1 keeps memory: no block is set.
            forgetBlock: -1,
            // The candidate's recurrent product multiplies r⊙h, so it is kept apart and waits for r (as the Cho GRU's).
            recurrentApart: true,
            recurrentWaitsForReset: true,
            onnx: null,
            noOnnxReason: $"a {attribute.ToUpperInvariant()} layer (CellKind.{kind}), which ONNX has no operator for",
            tensorRows:
            [
                new("weight_ih", CellTensorRole.InputWeight, inputRows),
                new("weight_hh", CellTensorRole.RecurrentWeight, recurrentRows),
                new("bias", CellTensorRole.Bias, MutBlocks),
            ],
            inputEqualsHidden: inputEqualsHidden);
    }
}

#if !GENRNN_GENERATOR
namespace GenRnn.Reference
{
    // ReferenceModel's MUT family (Mut1, Mut2, Mut3): one forward step and one gradient, which read which products a
    // kind has from its tensors' rows and add the kind's elementwise term (MUT1's tanh(x) in the candidate, MUT2's x in
    // r, MUT3's tanh(h) under W_hz).
    public sealed partial class ReferenceModel
    {
        private const int MutZ = 0, MutR = 1, MutH = 2;

        private static readonly bool s_mut1Registered = RegisterMut(CellKind.Mut1);
        private static readonly bool s_mut2Registered = RegisterMut(CellKind.Mut2);
        private static readonly bool s_mut3Registered = RegisterMut(CellKind.Mut3);

        private static bool RegisterMut(CellKind kind) => RegisterCell(
            kind,
            static (m, p, r) => m.MutForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.MutBackward(p, r, dh, dx, dhPrev, g));

        // =============================================================================================================
        // MUT (gates z, r; candidate n; one bias b (z, r, h)):
        // a_z = b_z + W_xz x (all) + W_hz h (MUT2) or W_hz tanh(h) (MUT3)
        // a_r = b_r + W_xr x (MUT1, MUT3) or x (MUT2) + W_hr h
        // a_n = b_h + W_hh (r⊙h) + tanh(x) (MUT1) or W_xh x (MUT2, MUT3)
        // z, r = σ(a_z), σ(a_r);  n = tanh(a_n);  h' = n⊙z + h⊙(1 − z)
        // Recorded: gates (z, r, n), and r⊙h as the auxiliary.
        // =============================================================================================================

        private void MutForward(LayerParameters p, LayerRecord r)
        {
            int hs = p.Hidden;
            CellKind kind = p.Cell;
            Span<double> a = _ax.AsSpan(0, 3 * hs), s = _ah.AsSpan(0, hs);
            // a[3H] = b (rows z, r, h)
            Parameters.AsSpan(p.Bias, 3 * hs).CopyTo(a);
            // a_block[H] += W_x,block[H, I] · x[I] for the blocks weight_ih stacks
            for (int b = 0; b < 3; b++)
            {
                if (p.InputRows[b] >= 0)
                {
                    Product(p.WeightIh, p.InputRows[b], r.X, a.Slice(b * hs, hs));
                }
            }

            // a_z[H] += W_hz[H, H] · s[H], s = h (MUT2) or tanh(h) (MUT3)
            if (p.RecurrentRows[MutZ] >= 0)
            {
                for (int n = 0; n < hs; n++)
                {
                    s[n] = kind == CellKind.Mut3 ? Math.Tanh(r.HPrev[n]) : r.HPrev[n];
                }

                Product(p.WeightHh, p.RecurrentRows[MutZ], s, a[..hs]);
            }

            // a_r[H] += W_hr[H, H] · h[H]
            Product(p.WeightHh, p.RecurrentRows[MutR], r.HPrev, a.Slice(hs, hs));
            for (int n = 0; n < hs; n++)
            {
                // a_r[H] += x (MUT2)
                double ar = a[hs + n] + (kind == CellKind.Mut2 ? r.X[n] : 0);
                // z, rg[H] = σ(a_z), σ(a_r);  rh[H] = rg * h
                double z = Sigmoid(a[n]), rg = Sigmoid(ar);
                r.Gates[n] = z;
                r.Gates[hs + n] = rg;
                r.HiddenN[n] = rg * r.HPrev[n];
            }

            // a_n[H] += W_hh[H, H] · rh[H]
            Product(p.WeightHh, p.RecurrentRows[MutH], r.HiddenN, a.Slice(2 * hs, hs));
            for (int n = 0; n < hs; n++)
            {
                // nn[H] = tanh(a_n + tanh(x) (MUT1))
                double nn = Math.Tanh(a[2 * hs + n] + (kind == CellKind.Mut1 ? Math.Tanh(r.X[n]) : 0));
                double z = r.Gates[n];
                // h'[H] = nn * z + h * (1 - z)
                r.H[n] = nn * z + r.HPrev[n] * (1 - z);
                r.Gates[2 * hs + n] = nn;
            }
        }

        private void MutBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
        {
            int hs = p.Hidden;
            CellKind kind = p.Cell;
            Span<double> da = _dax.AsSpan(0, 3 * hs), drh = _drh.AsSpan(0, hs), s = _ah.AsSpan(0, hs), ds = _dah.AsSpan(0, hs);
            for (int n = 0; n < hs; n++)
            {
                double z = r.Gates[n], nn = r.Gates[2 * hs + n], hPrev = r.HPrev[n];
                // da_n[H] = dh' * z * (1 - nn^2);  da_z[H] = dh' * (nn - h) * z(1 - z);  dh[H] += dh' * (1 - z)
                da[2 * hs + n] = dh[n] * z * (1 - nn * nn);
                da[n] = dh[n] * (nn - hPrev) * z * (1 - z);
                dhPrev[n] += dh[n] * (1 - z);
                if (kind == CellKind.Mut1)
                {
                    // dx[H] += da_n * (1 - tanh(x)^2)      (a_n holds tanh(x))
                    double t = Math.Tanh(r.X[n]);
                    dx[n] += da[2 * hs + n] * (1 - t * t);
                }
            }

            // dW_hh(h)[H, H] += da_n ⊗ rh;  drh[H] = W_hh(h)ᵀ · da_n
            drh.Clear();
            ProductBackward(p.WeightHh, p.RecurrentRows[MutH], r.HiddenN, da.Slice(2 * hs, hs), drh, gradients);
            for (int n = 0; n < hs; n++)
            {
                double rg = r.Gates[hs + n];
                // drg[H] = drh * h;  dh[H] += drh * rg      (rh = rg * h);  da_r[H] = drg * rg(1 - rg)
                dhPrev[n] += drh[n] * rg;
                da[hs + n] = drh[n] * r.HPrev[n] * rg * (1 - rg);
                if (kind == CellKind.Mut2)
                {
                    // dx[H] += da_r      (a_r holds x)
                    dx[n] += da[hs + n];
                }
            }

            // db[3H] += da
            for (int k = 0; k < 3 * hs; k++)
            {
                gradients[p.Bias + k] += da[k];
            }

            // dW_x,block[H, I] += da_block ⊗ x;  dx[I] += W_x,blockᵀ · da_block
            for (int b = 0; b < 3; b++)
            {
                if (p.InputRows[b] >= 0)
                {
                    ProductBackward(p.WeightIh, p.InputRows[b], r.X, da.Slice(b * hs, hs), dx, gradients);
                }
            }

            // dW_hr[H, H] += da_r ⊗ h;  dh[H] += W_hrᵀ · da_r
            ProductBackward(p.WeightHh, p.RecurrentRows[MutR], r.HPrev, da.Slice(hs, hs), dhPrev, gradients);
            if (p.RecurrentRows[MutZ] >= 0)
            {
                if (kind == CellKind.Mut3)
                {
                    // s = tanh(h): dW_hz += da_z ⊗ s;  ds[H] = W_hzᵀ · da_z;  dh[H] += ds * (1 - s^2)
                    for (int n = 0; n < hs; n++)
                    {
                        s[n] = Math.Tanh(r.HPrev[n]);
                    }

                    ds.Clear();
                    ProductBackward(p.WeightHh, p.RecurrentRows[MutZ], s, da[..hs], ds, gradients);
                    for (int n = 0; n < hs; n++)
                    {
                        dhPrev[n] += ds[n] * (1 - s[n] * s[n]);
                    }
                }
                else
                {
                    // dW_hz[H, H] += da_z ⊗ h;  dh[H] += W_hzᵀ · da_z
                    ProductBackward(p.WeightHh, p.RecurrentRows[MutZ], r.HPrev, da[..hs], dhPrev, gradients);
                }
            }
        }
    }
}
#endif
