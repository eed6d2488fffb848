// The LSTM's composable options (LstmOptions): the description of any valid combination, built from the options
// instead of one registered kind per combination, and (runtime only) its float64 reference. The four named LSTM kinds
// (LstmFamily.cs) keep their own descriptions and references; a combination equal to one of them is that kind.
using System;
using System.Collections.Generic;

namespace GenRnn.Cells
{
    internal static partial class CellFamilies
    {
        // Built descriptions by options; the generator may parse models on several threads.
        private static readonly Dictionary<LstmOptions, CellFamily> s_lstmVariants = [];

        /// <summary>
        /// The description of a layer of <paramref name="kind"/> with <paramref name="lstm"/> options (null for every cell
        /// but <see cref="CellKind.LstmVariant"/>, or the options of the LSTM kind given).
        /// </summary>
        /// <exception cref="ArgumentException">LstmVariant without options, options for a cell that is no LSTM, or options that conflict.</exception>
        public static CellFamily For(CellKind kind, LstmOptions? lstm)
        {
            if (lstm is null)
            {
                return kind == CellKind.LstmVariant
                    ? throw new ArgumentException("A LstmVariant layer needs its LstmOptions (LayerSpec.Lstm).", nameof(lstm))
                    : For(kind);
            }

            // Any LSTM kind with options is the LSTM with those options (the named kind when one has them).
            CellFamily family = ForLstm(lstm);
            return kind == CellKind.LstmVariant || For(kind).Lstm is not null
                ? family
                : throw new ArgumentException($"LstmOptions are given for a {kind} layer, which is no LSTM.", nameof(lstm));
        }

        /// <summary>
        /// The LSTM with <paramref name="options"/>: the named kind when one has exactly these options, else a
        /// <see cref="CellKind.LstmVariant"/> description built from them.
        /// </summary>
        /// <exception cref="ArgumentException">The options conflict (<see cref="LstmOptions.Conflict"/>).</exception>
        public static CellFamily ForLstm(LstmOptions options)
        {
            foreach (CellFamily named in s_table!.Values)
            {
                if (options.Equals(named.Lstm))
                {
                    return named;
                }
            }

            if (options.Conflict is string conflict)
            {
                throw new ArgumentException($"[Lstm] {conflict}.", nameof(options));
            }

            lock (s_lstmVariants)
            {
                if (!s_lstmVariants.TryGetValue(options, out CellFamily? family))
                {
                    family = Variant(options);
                    s_lstmVariants.Add(options, family);
                }

                return family;
            }
        }

        private static CellFamily Variant(LstmOptions options)
        {
            string[] blocks = options.GateBlocks();
            return new CellFamily(
                CellKind.LstmVariant,
                attribute: "Lstm",
                options: [],
                gateBlocks: blocks,
                hasCellState: true,
                diagonals: options.Diagonals(),
                // The bias the recommended initialisation sets to 1 is the own forget gate's; CIFG's f = 1 − i has none.
                forgetBlock: Array.IndexOf(blocks, "f"),
                recurrentApart: false,
                recurrentWaitsForReset: false,
                onnx: OnnxFormOf(options, blocks),
                noOnnxReason: NoOnnxReason(options),
                lstm: options);
        }

        // ONNX's LSTM has the three gates always; it couples f to i (input_forget), and its activations attribute holds
        // an identity g or h as Affine(x) = 1·x + 0. Its blocks are i, o, f, c; CIFG's f block and peephole are zeros.
        private static OnnxForm? OnnxFormOf(LstmOptions o, string[] blocks)
        {
            if (!o.InputGate || !o.ForgetGate || !o.OutputGate)
            {
                return null;
            }

            string[]? activations = o.CellInputActivation == CellActivation.Tanh && o.CellOutputActivation == CellActivation.Tanh ? null
                : ["Sigmoid", OnnxActivation(o.CellInputActivation), OnnxActivation(o.CellOutputActivation)];
            int[] order = [Array.IndexOf(blocks, "i"), Array.IndexOf(blocks, "o"), Array.IndexOf(blocks, "f"), Array.IndexOf(blocks, "g")];
            string[]? peepholes = o.Peepholes ? ["peephole_i", "peephole_o", o.CoupledGates ? "" : "peephole_f"] : null;
            return new OnnxForm("LSTM", order, peepholes: peepholes, inputForget: o.CoupledGates, activations: activations);
        }

        private static string OnnxActivation(CellActivation a) => a == CellActivation.Identity ? "Affine" : "Tanh";

        // Names the first option ONNX's LSTM operator cannot hold, so the NotSupportedException says what to change.
        private static string? NoOnnxReason(LstmOptions o) =>
            !o.InputGate ? "an LSTM with InputGate = false, which ONNX's LSTM operator cannot express (its cell always has an input gate)"
            : !o.ForgetGate ? "an LSTM with ForgetGate = false, which ONNX's LSTM operator cannot express (its cell always has a forget gate, which input_forget couples to i instead of fixing at 1)"
            : !o.OutputGate ? "an LSTM with OutputGate = false, which ONNX's LSTM operator cannot express (its cell always has an output gate)"
            : null;
    }
}

#if !GENRNN_GENERATOR
namespace GenRnn.Reference
{
    // ReferenceModel's LstmVariant: one forward step and gradient that read the layer's LstmOptions, written from
    // VARIANTS.md's equations. The named kinds keep their own (LstmFamily.cs), so their results do not move.
    public sealed partial class ReferenceModel
    {
        private static readonly bool s_lstmVariantRegistered = RegisterCell(
            CellKind.LstmVariant,
            static (m, p, r) => m.LstmVariantForward(p, r),
            static (m, p, r, dh, dc, dx, dhPrev, dcPrev, g) => m.LstmVariantBackward(p, r, dh, dc, dx, dhPrev, dcPrev, g));

        // =============================================================================================================
        // i = σ(a_i + p_i c) or 1;  f = σ(a_f + p_f c), 1 − i (coupled) or 1;  g = tanh(a_g) or a_g;
        // c' = f c + i g;  o = σ(a_o + p_o c') or 1;  h' = o tanh(c') or o c'
        // =============================================================================================================

        private void LstmVariantForward(LayerParameters p, LayerRecord r)
        {
            int hs = p.Hidden;
            LstmOptions o = p.Lstm!;
            double[] w = Parameters;
            (int bi, int bf, int bg, int bo) = LstmBlocks(o, hs);
            // a[G*H] = W_ih[G*H, I] · x[I] + b_ih[G*H] + W_hh[G*H, H] · h[H] + b_hh[G*H]
            Span<double> a = Preactivations(p, r);
            for (int n = 0; n < hs; n++)
            {
                double cPrev = r.CPrev[n];
                double i = bi < 0 ? 1 : Sigmoid(a[bi + n] + (p.PeepholeI >= 0 ? w[p.PeepholeI + n] * cPrev : 0));
                double f = bf >= 0 ? Sigmoid(a[bf + n] + (p.PeepholeF >= 0 ? w[p.PeepholeF + n] * cPrev : 0))
                    : o.CoupledGates ? 1 - i : 1;
                double g = o.CellInputActivation == CellActivation.Identity ? a[bg + n] : Math.Tanh(a[bg + n]);
                double c = f * cPrev + i * g;
                double og = bo < 0 ? 1 : Sigmoid(a[bo + n] + (p.PeepholeO >= 0 ? w[p.PeepholeO + n] * c : 0));
                r.H[n] = og * (o.CellOutputActivation == CellActivation.Identity ? c : Math.Tanh(c));
                r.C[n] = c;
                // The record keeps the gates that have a block (the coupled f is 1 − i, recomputed by the backward).
                if (bi >= 0)
                {
                    r.Gates[bi + n] = i;
                }

                if (bf >= 0)
                {
                    r.Gates[bf + n] = f;
                }

                r.Gates[bg + n] = g;
                if (bo >= 0)
                {
                    r.Gates[bo + n] = og;
                }
            }
        }

        private void LstmVariantBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
        {
            int hs = p.Hidden;
            LstmOptions o = p.Lstm!;
            double[] w = Parameters;
            (int bi, int bf, int bg, int bo) = LstmBlocks(o, hs);
            Span<double> da = _dax.AsSpan(0, p.Gates * hs);
            for (int n = 0; n < hs; n++)
            {
                double cPrev = r.CPrev[n], c = r.C[n];
                double i = bi < 0 ? 1 : r.Gates[bi + n];
                double f = bf >= 0 ? r.Gates[bf + n] : o.CoupledGates ? 1 - i : 1;
                double g = r.Gates[bg + n];
                double og = bo < 0 ? 1 : r.Gates[bo + n];
                bool outTanh = o.CellOutputActivation == CellActivation.Tanh;
                double tc = outTanh ? Math.Tanh(c) : c;
                // da_o = dh' * act(c') * o(1 - o);  dp_o += da_o * c'
                double dao = bo < 0 ? 0 : dh[n] * tc * og * (1 - og);
                // dc' = dc' + dh' * o * act'(c') + da_o * p_o      (c' feeds h' and o)
                double dcn = dc[n] + dh[n] * og * (outTanh ? 1 - tc * tc : 1);
                if (p.PeepholeO >= 0)
                {
                    gradients[p.PeepholeO + n] += dao * c;
                    dcn += dao * w[p.PeepholeO + n];
                }

                // dc'/di = g, or g − c with f = 1 − i;  dc'/df = c;  dc'/dg = i
                double dai = bi < 0 ? 0 : dcn * (o.CoupledGates ? g - cPrev : g) * i * (1 - i);
                double daf = bf < 0 ? 0 : dcn * cPrev * f * (1 - f);
                double dag = dcn * i * (o.CellInputActivation == CellActivation.Identity ? 1 : 1 - g * g);
                if (bi >= 0)
                {
                    da[bi + n] = dai;
                }

                if (bf >= 0)
                {
                    da[bf + n] = daf;
                }

                da[bg + n] = dag;
                if (bo >= 0)
                {
                    da[bo + n] = dao;
                }

                // dc = dc' * f + da_i * p_i + da_f * p_f      (c feeds c', i and f);  dp_i += da_i * c;  dp_f += da_f * c
                double dcp = dcn * f;
                if (p.PeepholeI >= 0)
                {
                    gradients[p.PeepholeI + n] += dai * cPrev;
                    dcp += dai * w[p.PeepholeI + n];
                }

                if (p.PeepholeF >= 0)
                {
                    gradients[p.PeepholeF + n] += daf * cPrev;
                    dcp += daf * w[p.PeepholeF + n];
                }

                dcPrev[n] = dcp;
            }

            // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[G*H]
            PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
        }

        // Where the i, f, g, o blocks start in the gates (-1 when absent; the coupled f has no block).
        private static (int I, int F, int G, int O) LstmBlocks(LstmOptions o, int hs)
        {
            int k = 0;
            int i = o.InputGate ? k++ * hs : -1;
            int f = o.OwnForgetGate ? k++ * hs : -1;
            int g = k++ * hs;
            int og = o.OutputGate ? k * hs : -1;
            return (i, f, g, og);
        }
    }
}
#endif
