namespace GenRnn.Reference;

// ReferenceModel's LSTM family (Lstm, LstmNoForgetGate, PeepholeLstm). One file per cell family, so that a family's
// forward step and its gradient are read and changed together; ReferenceModel.CellForward and CellBackward dispatch
// to them.
public sealed partial class ReferenceModel
{
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
}
