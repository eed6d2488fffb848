namespace GenRnn;

/// <summary>
/// The recurrent cells GenRnn generates code for. Exact equations: docs/api.md. Each kind's facts (attribute, gate
/// blocks, state, tensors, ONNX form, initialisation) and its float64 reference are in its family's file in this
/// folder (RnnFamily.cs, LstmFamily.cs, GruFamily.cs, MutFamily.cs); docs/design.md says how to add one.
/// </summary>
// The generator compiles this file too (GenRnn.Generators.csproj links src/GenRnn/Cells), as an internal type so that a
// compilation seeing both assemblies has one public GenRnn.CellKind.
#if GENRNN_GENERATOR
internal
#else
public
#endif
enum CellKind
{
    /// <summary>Vanilla tanh RNN (one gate block).</summary>
    Rnn = 0,

    /// <summary>LSTM with a forget gate (gates i,f,g,o), as PyTorch's nn.LSTM.</summary>
    Lstm = 1,

    /// <summary>The 1997 LSTM without a forget gate (gates i,g,o): c' = c + i*g.</summary>
    LstmNoForgetGate = 2,

    /// <summary>LSTM with forget gate and diagonal peepholes (Gers and Schmidhuber 2000).</summary>
    PeepholeLstm = 3,

    /// <summary>GRU with the reset gate applied after the recurrent product (PyTorch, cuDNN, ONNX linear_before_reset=1).</summary>
    Gru = 4,

    /// <summary>GRU with the reset gate applied before the recurrent product (Cho et al. 2014).</summary>
    GruResetBefore = 5,

    /// <summary>The LSTM with no input, forget or output gate ("the LSTM idea"): c' = c + tanh(a), h' = tanh(c').</summary>
    GatelessLstm = 6,

    /// <summary>
    /// An LSTM with any other valid combination of the <c>[Lstm]</c> options (no input or output gate, coupled gates,
    /// identity activations, peepholes with absent gates): its <see cref="LstmOptions"/> (LayerSpec.Lstm) say which.
    /// </summary>
    LstmVariant = 7,

    /// <summary>
    /// MUT1 (Jozefowicz et al. 2015): z = σ(W_xz x + b_z), r = σ(W_xr x + W_hr h + b_r),
    /// h' = tanh(W_hh (r⊙h) + tanh(x) + b_h)⊙z + h⊙(1 − z); input size = hidden size.
    /// </summary>
    Mut1 = 8,

    /// <summary>
    /// MUT2 (Jozefowicz et al. 2015): z = σ(W_xz x + W_hz h + b_z), r = σ(x + W_hr h + b_r),
    /// h' = tanh(W_hh (r⊙h) + W_xh x + b_h)⊙z + h⊙(1 − z); input size = hidden size.
    /// </summary>
    Mut2 = 9,

    /// <summary>
    /// MUT3 (Jozefowicz et al. 2015): z = σ(W_xz x + W_hz tanh(h) + b_z), r = σ(W_xr x + W_hr h + b_r),
    /// h' = tanh(W_hh (r⊙h) + W_xh x + b_h)⊙z + h⊙(1 − z).
    /// </summary>
    Mut3 = 10,
}
