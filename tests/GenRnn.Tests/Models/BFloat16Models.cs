using GenRnn;

namespace GenRnn.Tests.Models;

// Models with the bfloat16 inference snapshot: odd input sizes (a last pair with one row), partial and paired
// column blocks, every cell, a head and an embedding; the same stack in each kernel tuning.

[RecurrentModel(BFloat16Inference = true)]
[Embedding(vocabulary: 20, dimensions: 7)]
[Lstm(7, 70)]
[Gru(70, 33)]
[Rnn(33, 65)]
[Dense(5, Activation = Activation.Softmax)]
public partial class BFloat16Stack;

[RecurrentModel(BFloat16Inference = true, VectorWidth = 256, RegisterBlocks = 3)]
[Embedding(vocabulary: 20, dimensions: 7)]
[Lstm(7, 70)]
[Gru(70, 33)]
[Rnn(33, 65)]
[Dense(5, Activation = Activation.Softmax)]
public partial class BFloat16StackVector256;

[RecurrentModel(BFloat16Inference = true, VectorWidth = 32)]
[Embedding(vocabulary: 20, dimensions: 7)]
[Lstm(7, 70)]
[Gru(70, 33)]
[Rnn(33, 65)]
[Dense(5, Activation = Activation.Softmax)]
public partial class BFloat16StackScalar;

// The reset-before GRU keeps float weights in the snapshot; the 1997 and peephole LSTMs are packed.
[RecurrentModel(BFloat16Inference = true)]
[Lstm(3, 5, Peepholes = true)]
[Gru(5, 9, ResetAfter = false)]
[Lstm(9, 4, ForgetGate = false)]
public partial class BFloat16PeepholeCho;

[RecurrentModel(BFloat16Inference = true)]
[Lstm(64, 256)]
public partial class BFloat16Lstm64x256;

// Layers of fewer than 128 gate rows, whose kernels split each accumulator into FMA chains (2 or 4, by the pass's
// accumulators); odd input sizes put a last lone row into chain 2 of 4 (K = 7 and 11).
[RecurrentModel(BFloat16Inference = true)]
[Rnn(7, 32)]
[Gru(32, 11)]
public partial class BFloat16Chains;

[RecurrentModel(BFloat16Inference = true, VectorWidth = 256)]
[Rnn(7, 32)]
[Gru(32, 11)]
public partial class BFloat16ChainsVector256;

// LSTM options in the snapshot: no output gate with peepholes and an identity cell input, then CIFG.
[RecurrentModel(BFloat16Inference = true)]
[Lstm(3, 70, OutputGate = false, Peepholes = true, CellInputActivation = CellActivation.Identity)]
[Lstm(70, 6, CoupledGates = true)]
[Dense(2)]
public partial class BFloat16LstmOptions;
