using GenRnn;

namespace GenRnn.Benchmarks;

// One model per (cell, input size, hidden size); no head, so each step's output is the top layer's h. Each also has
// the bfloat16 inference snapshot (ToBFloat16), which the step benchmarks time next to the float step.
// Named {Cell}{Input}x{Hidden}; BenchCase.Create maps a (Cell, "IxH") parameter pair to one of them.

[RecurrentModel(BFloat16Inference = true), Lstm(1, 8)] public partial class Lstm1x8;
[RecurrentModel(BFloat16Inference = true), Lstm(1, 32)] public partial class Lstm1x32;
[RecurrentModel(BFloat16Inference = true), Lstm(8, 32)] public partial class Lstm8x32;
[RecurrentModel(BFloat16Inference = true), Lstm(16, 64)] public partial class Lstm16x64;
[RecurrentModel(BFloat16Inference = true), Lstm(32, 128)] public partial class Lstm32x128;
[RecurrentModel(BFloat16Inference = true), Lstm(64, 256)] public partial class Lstm64x256;

// GRU with the reset gate applied after the recurrent product (PyTorch, cuDNN, ONNX linear_before_reset = 1).
[RecurrentModel(BFloat16Inference = true), Gru(1, 8)] public partial class Gru1x8;
[RecurrentModel(BFloat16Inference = true), Gru(1, 32)] public partial class Gru1x32;
[RecurrentModel(BFloat16Inference = true), Gru(8, 32)] public partial class Gru8x32;
[RecurrentModel(BFloat16Inference = true), Gru(16, 64)] public partial class Gru16x64;
[RecurrentModel(BFloat16Inference = true), Gru(32, 128)] public partial class Gru32x128;
[RecurrentModel(BFloat16Inference = true), Gru(64, 256)] public partial class Gru64x256;

[RecurrentModel(BFloat16Inference = true), Rnn(1, 8)] public partial class Rnn1x8;
[RecurrentModel(BFloat16Inference = true), Rnn(1, 32)] public partial class Rnn1x32;
[RecurrentModel(BFloat16Inference = true), Rnn(8, 32)] public partial class Rnn8x32;
[RecurrentModel(BFloat16Inference = true), Rnn(16, 64)] public partial class Rnn16x64;
[RecurrentModel(BFloat16Inference = true), Rnn(32, 128)] public partial class Rnn32x128;
[RecurrentModel(BFloat16Inference = true), Rnn(64, 256)] public partial class Rnn64x256;

// The same models with Cores = 2 (Step splits each layer's gate rows with a second core), and their bfloat16 snapshots,
// which split the same way.
// Layers of fewer than 128 gate rows have nothing to split: those twins run on one core (the generator's warning
// GRNN018, silenced in the project file), and stay so that every case has its two-core row.
[RecurrentModel(Cores = 2, BFloat16Inference = true), Lstm(1, 8)] public partial class Lstm1x8Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Lstm(1, 32)] public partial class Lstm1x32Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Lstm(8, 32)] public partial class Lstm8x32Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Lstm(16, 64)] public partial class Lstm16x64Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Lstm(32, 128)] public partial class Lstm32x128Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Lstm(64, 256)] public partial class Lstm64x256Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Gru(1, 8)] public partial class Gru1x8Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Gru(1, 32)] public partial class Gru1x32Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Gru(8, 32)] public partial class Gru8x32Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Gru(16, 64)] public partial class Gru16x64Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Gru(32, 128)] public partial class Gru32x128Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Gru(64, 256)] public partial class Gru64x256Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Rnn(1, 8)] public partial class Rnn1x8Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Rnn(1, 32)] public partial class Rnn1x32Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Rnn(8, 32)] public partial class Rnn8x32Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Rnn(16, 64)] public partial class Rnn16x64Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Rnn(32, 128)] public partial class Rnn32x128Cores2;
[RecurrentModel(Cores = 2, BFloat16Inference = true), Rnn(64, 256)] public partial class Rnn64x256Cores2;

// With a Dense(1) head (the output is one float per step, as in an audio effect): the head benchmarks
// (HeadStepBenchmarks), LSTM and GRU at (1, 8) and (8, 32) only (BenchCase.HasHeadModel).
[RecurrentModel(BFloat16Inference = true), Lstm(1, 8), Dense(1)] public partial class Lstm1x8Head;
[RecurrentModel(BFloat16Inference = true), Lstm(8, 32), Dense(1)] public partial class Lstm8x32Head;
[RecurrentModel(BFloat16Inference = true), Gru(1, 8), Dense(1)] public partial class Gru1x8Head;
[RecurrentModel(BFloat16Inference = true), Gru(8, 32), Dense(1)] public partial class Gru8x32Head;
