using GenRnn;

namespace GenRnn.Tests.Models;

// Models for the ONNX tests beside the golden and gradient-check ones: a sigmoid head over a stack, an embedding
// over a peephole stack.

[RecurrentModel]
[Rnn(3, 6)]
[Gru(6, 5)]
[Dense(4, Activation = Activation.Sigmoid)]
public partial class RnnGruSigmoid;

[RecurrentModel]
[Embedding(9, 4)]
[Lstm(4, 6, Peepholes = true)]
[Lstm(6, 5)]
[Dense(3, Activation = Activation.Tanh)]
public partial class EmbeddingPeepholeStackTanh;

// The sizes of the project's reference ONNX models in testdata/onnx: {cell}_i{I}_h{H}_t{T}.onnx.
[RecurrentModel, Lstm(1, 8)] public partial class OnnxLstm1x8;
[RecurrentModel, Lstm(1, 32)] public partial class OnnxLstm1x32;
[RecurrentModel, Lstm(8, 32)] public partial class OnnxLstm8x32;
[RecurrentModel, Lstm(16, 64)] public partial class OnnxLstm16x64;
[RecurrentModel, Lstm(64, 256)] public partial class OnnxLstm64x256;
[RecurrentModel, Gru(1, 8)] public partial class OnnxGru1x8;
[RecurrentModel, Gru(1, 32)] public partial class OnnxGru1x32;
[RecurrentModel, Gru(8, 32)] public partial class OnnxGru8x32;
[RecurrentModel, Gru(16, 64)] public partial class OnnxGru16x64;
[RecurrentModel, Gru(64, 256)] public partial class OnnxGru64x256;
[RecurrentModel, Rnn(1, 8)] public partial class OnnxRnn1x8;
[RecurrentModel, Rnn(1, 32)] public partial class OnnxRnn1x32;
[RecurrentModel, Rnn(8, 32)] public partial class OnnxRnn8x32;
[RecurrentModel, Rnn(16, 64)] public partial class OnnxRnn16x64;
[RecurrentModel, Rnn(64, 256)] public partial class OnnxRnn64x256;
