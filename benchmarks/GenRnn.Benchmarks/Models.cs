using GenRnn;

namespace GenRnn.Benchmarks;

// One model per (cell, input size, hidden size); no head, so each step's output is the top layer's h.
// Named {Cell}{Input}x{Hidden}; BenchCase.Create maps a (Cell, "IxH") parameter pair to one of them.

[RecurrentModel, Lstm(1, 8)] public partial class Lstm1x8;
[RecurrentModel, Lstm(1, 32)] public partial class Lstm1x32;
[RecurrentModel, Lstm(8, 32)] public partial class Lstm8x32;
[RecurrentModel, Lstm(16, 64)] public partial class Lstm16x64;
[RecurrentModel, Lstm(32, 128)] public partial class Lstm32x128;
[RecurrentModel, Lstm(64, 256)] public partial class Lstm64x256;

// GRU with the reset gate applied after the recurrent product (PyTorch, cuDNN, ONNX linear_before_reset = 1).
[RecurrentModel, Gru(1, 8)] public partial class Gru1x8;
[RecurrentModel, Gru(1, 32)] public partial class Gru1x32;
[RecurrentModel, Gru(8, 32)] public partial class Gru8x32;
[RecurrentModel, Gru(16, 64)] public partial class Gru16x64;
[RecurrentModel, Gru(32, 128)] public partial class Gru32x128;
[RecurrentModel, Gru(64, 256)] public partial class Gru64x256;

[RecurrentModel, Rnn(1, 8)] public partial class Rnn1x8;
[RecurrentModel, Rnn(1, 32)] public partial class Rnn1x32;
[RecurrentModel, Rnn(8, 32)] public partial class Rnn8x32;
[RecurrentModel, Rnn(16, 64)] public partial class Rnn16x64;
[RecurrentModel, Rnn(32, 128)] public partial class Rnn32x128;
[RecurrentModel, Rnn(64, 256)] public partial class Rnn64x256;
