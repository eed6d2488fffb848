using GenRnn;

namespace GenRnn.Tests.Models;

// Stacks that put every cell kind under another layer and a head, with every head activation.

[RecurrentModel]
[Lstm(3, 5)]
[Gru(5, 4)]
[Dense(3, Activation = Activation.Tanh)]
public partial class LstmGruTanh;

[RecurrentModel]
[Rnn(2, 4)]
[Lstm(4, 3, ForgetGate = false)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class RnnLstm1997Sigmoid;

[RecurrentModel]
[Lstm(3, 4, Peepholes = true)]
[Gru(4, 5, ResetAfter = false)]
[Dense(4, Activation = Activation.Softmax)]
public partial class PeepholeGruChoSoftmax;

[RecurrentModel]
[Embedding(7, 3)]
[Gru(3, 4)]
[Rnn(4, 4)]
[Dense(2)]
public partial class EmbeddingGruRnn;

[RecurrentModel]
[Gru(2, 19, ResetAfter = false)]
[Lstm(19, 17, Peepholes = true)]
public partial class WideNoHead;

// Several 64-row weight blocks with partial tails, a reset-before GRU whose n block starts inside a block, and a wide head.
[RecurrentModel]
[Gru(5, 70, ResetAfter = false)]
[Lstm(70, 40)]
[Dense(130, Activation = Activation.Softmax)]
public partial class MultiBlock;

// The same stack compiled with other kernel tuning: at most Vector256 with two accumulators, and scalar only.
[RecurrentModel(VectorWidth = 256, RegisterBlocks = 2)]
[Gru(5, 70, ResetAfter = false)]
[Lstm(70, 40)]
[Dense(130, Activation = Activation.Softmax)]
public partial class MultiBlockVector256;

[RecurrentModel(VectorWidth = 32)]
[Gru(5, 70, ResetAfter = false)]
[Lstm(70, 40)]
[Dense(130, Activation = Activation.Softmax)]
public partial class MultiBlockScalar;

// Gate matrices of 3 and 6 full 64-row blocks with tails (odd and even counts of full blocks, so the forward
// kernel's two-block calls, a single full block and a partial block all run), in each tuning.
[RecurrentModel]
[Gru(5, 70)]
[Rnn(70, 150)]
[Lstm(150, 100)]
public partial class BlockPairs;

[RecurrentModel(VectorWidth = 256, RegisterBlocks = 3)]
[Gru(5, 70)]
[Rnn(70, 150)]
[Lstm(150, 100)]
public partial class BlockPairsVector256;

[RecurrentModel(VectorWidth = 32)]
[Gru(5, 70)]
[Rnn(70, 150)]
[Lstm(150, 100)]
public partial class BlockPairsScalar;

// The LSTM idea over a GRU, with a tanh head; wide enough (70 units) for several vector blocks and a partial one.
[RecurrentModel]
[Gru(3, 6)]
[Lstm(6, 70, InputGate = false, ForgetGate = false, OutputGate = false)]
[Dense(outputSize: 3, Activation = Activation.Tanh)]
public partial class GatelessOverGruTanh;

// LSTM options stacked (CIFG with peepholes and an identity cell input, then no input or output gate with peepholes and
// an identity output, then no forget gate), 70 units wide in the middle for several vector blocks and a partial one.
[RecurrentModel]
[Lstm(3, 6, CoupledGates = true, Peepholes = true, CellInputActivation = CellActivation.Identity)]
[Lstm(6, 70, InputGate = false, OutputGate = false, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
[Lstm(70, 5, ForgetGate = false, OutputGate = false)]
[Dense(outputSize: 3, Activation = Activation.Tanh)]
public partial class LstmOptionsStackTanh;

// No output gate over no input gate, with tanh and identity activations swapped, over an embedding.
[RecurrentModel(VectorWidth = 256)]
[Embedding(vocabulary: 7, dimensions: 3)]
[Lstm(3, 9, OutputGate = false, Peepholes = true, CellInputActivation = CellActivation.Identity, CellOutputActivation = CellActivation.Identity)]
[Lstm(9, 4, InputGate = false, CoupledGates = false)]
[Dense(outputSize: 7, Activation = Activation.Softmax)]
public partial class EmbeddingLstmOptionsSoftmax;

// A big model: hidden size 1024 (4.4 M parameters, 17 MB of weights), end to end against the reference.
[RecurrentModel]
[Lstm(16, 1024)]
[Dense(outputSize: 2, Activation = Activation.Tanh)]
public partial class Lstm16x1024;
