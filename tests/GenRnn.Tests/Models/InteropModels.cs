using GenRnn;

namespace GenRnn.Tests.Models;

// Models for the ONNX tests beside the golden and gradient-check ones: a sigmoid head over a stack, and the sizes of
// the reference models in Onnx/ (the benchmarks' sizes).

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
