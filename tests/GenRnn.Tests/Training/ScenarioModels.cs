using GenRnn;

namespace GenRnn.Tests.Training;

// Small models of the scenario tests. None has an [Embedding], so a token id is a one-hot input.

/// <summary>Parity of a bit string (many-to-one): tokens 0/1 in, NO/YES out.</summary>
[RecurrentModel]
[Gru(2, 16)]
[Dense(2)]
public partial class ParityGru;

/// <summary>Parity of a bit string with an LSTM.</summary>
[RecurrentModel]
[Lstm(2, 16)]
[Dense(2)]
public partial class ParityLstm;

/// <summary>Running count of ones mod 3 (many-to-many).</summary>
[RecurrentModel]
[Gru(2, 12)]
[Dense(3)]
public partial class CountModThree;

/// <summary>Echo of the input two steps later over four symbols (many-to-many, truncated BPTT).</summary>
[RecurrentModel]
[Gru(4, 16)]
[Dense(4)]
public partial class EchoTwoLater;

/// <summary>Counts up from a start token mod 8 (one-to-many): the outputs are fed back as the next inputs.</summary>
[RecurrentModel]
[Gru(8, 16)]
[Dense(8)]
public partial class CountUp;

/// <summary>Encoder of the reversal task: symbols 0..4.</summary>
[RecurrentModel]
[Gru(5, 48)]
public partial class ReverseEncoder;

/// <summary>Decoder of the reversal task: inputs 0..4 and the start token 5, outputs 0..4.</summary>
[RecurrentModel]
[Gru(6, 48)]
[Dense(5)]
public partial class ReverseDecoder;

/// <summary>Token mod 3 (one-to-one).</summary>
[RecurrentModel]
[Rnn(9, 8)]
[Dense(3)]
public partial class ModThree;

/// <summary>Predicts the next sample of a sine wave (regression).</summary>
[RecurrentModel]
[Gru(1, 12)]
[Dense(1)]
public partial class NextSine;

/// <summary>Two binary labels per step, logits out (sigmoid fused into the loss).</summary>
[RecurrentModel]
[Gru(2, 12)]
[Dense(2)]
public partial class BitsLogits;

/// <summary>Two binary labels per step, probabilities out.</summary>
[RecurrentModel]
[Gru(2, 12)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class BitsSigmoid;

/// <summary>Running count of ones mod 3 with LSTM options (CIFG with peepholes over no output gate, identity output).</summary>
[RecurrentModel]
[Lstm(2, 12, CoupledGates = true, Peepholes = true)]
[Lstm(12, 8, OutputGate = false, CellOutputActivation = CellActivation.Identity)]
[Dense(3)]
public partial class CountModThreeLstmOptions;
