using GenRnn;

namespace SeedTour;

// The LSTM variants experiment (Greff et al. 2016): one model per variant on the embedded Reber grammar, 7 symbols
// in (one-hot), 16 units, next-symbol scores out. As in tests/GenRnn.Tests/Golden/VARIANTS.md, V is the LSTM with
// peepholes and every other Greff variant is one change from V (so each keeps the peepholes but NP); the lecture's
// "LSTM idea" (no gate at all) cannot have peepholes. Adding a variant: a declaration here and one line in
// Experiments/Variants.cs.

/// <summary>V: the vanilla LSTM of Greff et al. (forget gate and peepholes).</summary>
[RecurrentModel]
[Lstm(7, 16, Peepholes = true)]
[Dense(7)]
public partial class VariantV;

/// <summary>NIG: no input gate (i = 1).</summary>
[RecurrentModel]
[Lstm(7, 16, InputGate = false, Peepholes = true)]
[Dense(7)]
public partial class VariantNig;

/// <summary>NFG: no forget gate (f = 1).</summary>
[RecurrentModel]
[Lstm(7, 16, ForgetGate = false, Peepholes = true)]
[Dense(7)]
public partial class VariantNfg;

/// <summary>NOG: no output gate (o = 1).</summary>
[RecurrentModel]
[Lstm(7, 16, OutputGate = false, Peepholes = true)]
[Dense(7)]
public partial class VariantNog;

/// <summary>NIAF: no input activation function (g = a_g).</summary>
[RecurrentModel]
[Lstm(7, 16, Peepholes = true, CellInputActivation = CellActivation.Identity)]
[Dense(7)]
public partial class VariantNiaf;

/// <summary>NOAF: no output activation function (h = o⊙c).</summary>
[RecurrentModel]
[Lstm(7, 16, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
[Dense(7)]
public partial class VariantNoaf;

/// <summary>NP: no peepholes (PyTorch's nn.LSTM).</summary>
[RecurrentModel]
[Lstm(7, 16)]
[Dense(7)]
public partial class VariantNp;

/// <summary>CIFG: coupled input and forget gate (f = 1 − i).</summary>
[RecurrentModel]
[Lstm(7, 16, CoupledGates = true, Peepholes = true)]
[Dense(7)]
public partial class VariantCifg;

/// <summary>The lecture's "LSTM idea": no gate, c' = c + tanh(a), h' = tanh(c').</summary>
[RecurrentModel]
[Lstm(7, 16, InputGate = false, ForgetGate = false, OutputGate = false)]
[Dense(7)]
public partial class VariantIdea;

/// <summary>GRU (Cho et al. 2014), PyTorch's reset-after form.</summary>
[RecurrentModel]
[Gru(7, 16)]
[Dense(7)]
public partial class VariantGru;
