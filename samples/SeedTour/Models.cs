using GenRnn;

namespace SeedTour;

// Parity: a bit per step (token 0 or 1, a one-hot input), two classes at the last step.

/// <summary>Vanilla RNN for parity.</summary>
[RecurrentModel]
[Rnn(2, 16)]
[Dense(2)]
public partial class ParityRnn;

/// <summary>LSTM for parity.</summary>
[RecurrentModel]
[Lstm(2, 16)]
[Dense(2)]
public partial class ParityLstm;

/// <summary>GRU for parity.</summary>
[RecurrentModel]
[Gru(2, 16)]
[Dense(2)]
public partial class ParityGru;

// The adding problem: a value and a marker per step, the sum of the two marked values at the last step.

/// <summary>Vanilla RNN for the adding problem.</summary>
[RecurrentModel]
[Rnn(2, 32)]
[Dense(1)]
public partial class AddingRnn;

/// <summary>LSTM for the adding problem.</summary>
[RecurrentModel]
[Lstm(2, 32)]
[Dense(1)]
public partial class AddingLstm;

// Exploding gradients: a vanilla RNN whose recurrent weights start large.

/// <summary>Vanilla RNN for the exploding-gradient experiment.</summary>
[RecurrentModel]
[Rnn(2, 32)]
[Dense(1)]
public partial class ExplodingRnn;

// The embedded Reber grammar: seven symbols, next-symbol prediction at every step.

/// <summary>The 1997 LSTM: no forget gate, c' = c + i*g.</summary>
[RecurrentModel]
[Lstm(7, 16, ForgetGate = false)]
[Dense(7)]
public partial class ReberLstm1997;

/// <summary>LSTM with a forget gate (Gers et al. 2000).</summary>
[RecurrentModel]
[Lstm(7, 16)]
[Dense(7)]
public partial class ReberLstm;
