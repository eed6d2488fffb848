namespace GenRnn.Reference;

// ReferenceModel's RNN family (Rnn). One file per cell family, so that a family's forward step and its gradient are
// read and changed together; ReferenceModel.CellForward and CellBackward dispatch to them.
public sealed partial class ReferenceModel
{
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
