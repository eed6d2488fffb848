using GenRnn;

namespace GenRnn.Tests.Models;

// Models with the sizes of every case in Golden/pytorch-golden.json (layer_cases and model_cases).

[RecurrentModel]
[Rnn(3, 5)]
public partial class Rnn3x5;

[RecurrentModel]
[Rnn(8, 16)]
public partial class Rnn8x16;

[RecurrentModel]
[Rnn(17, 33)]
public partial class Rnn17x33;

[RecurrentModel]
[Rnn(3, 5)]
[Rnn(5, 5)]
public partial class RnnTwoLayers;

[RecurrentModel]
[Lstm(3, 5)]
public partial class Lstm3x5;

[RecurrentModel]
[Lstm(8, 16)]
public partial class Lstm8x16;

[RecurrentModel]
[Lstm(17, 33)]
public partial class Lstm17x33;

[RecurrentModel]
[Lstm(3, 5)]
[Lstm(5, 5)]
public partial class LstmTwoLayers;

[RecurrentModel]
[Lstm(3, 5, ForgetGate = false)]
public partial class Lstm19973x5;

[RecurrentModel]
[Lstm(8, 16, ForgetGate = false)]
public partial class Lstm19978x16;

[RecurrentModel]
[Lstm(17, 33, ForgetGate = false)]
public partial class Lstm199717x33;

[RecurrentModel]
[Lstm(3, 5, ForgetGate = false)]
[Lstm(5, 5, ForgetGate = false)]
public partial class Lstm1997TwoLayers;

[RecurrentModel]
[Lstm(3, 5, Peepholes = true)]
public partial class PeepholeLstm3x5;

[RecurrentModel]
[Lstm(8, 16, Peepholes = true)]
public partial class PeepholeLstm8x16;

[RecurrentModel]
[Lstm(17, 33, Peepholes = true)]
public partial class PeepholeLstm17x33;

[RecurrentModel]
[Lstm(3, 5, Peepholes = true)]
[Lstm(5, 5, Peepholes = true)]
public partial class PeepholeLstmTwoLayers;

[RecurrentModel]
[Gru(3, 5)]
public partial class Gru3x5;

[RecurrentModel]
[Gru(8, 16)]
public partial class Gru8x16;

[RecurrentModel]
[Gru(17, 33)]
public partial class Gru17x33;

[RecurrentModel]
[Gru(3, 5)]
[Gru(5, 5)]
public partial class GruTwoLayers;

[RecurrentModel]
[Gru(3, 5, ResetAfter = false)]
public partial class GruCho3x5;

[RecurrentModel]
[Gru(8, 16, ResetAfter = false)]
public partial class GruCho8x16;

[RecurrentModel]
[Gru(17, 33, ResetAfter = false)]
public partial class GruCho17x33;

[RecurrentModel]
[Gru(3, 5, ResetAfter = false)]
[Gru(5, 5, ResetAfter = false)]
public partial class GruChoTwoLayers;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Rnn(4, 6)]
[Dense(outputSize: 5, Activation = Activation.Softmax)]
public partial class RnnLm;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Rnn(4, 6)]
[Dense(outputSize: 2, Activation = Activation.Softmax)]
public partial class RnnClf;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Lstm(4, 6)]
[Dense(outputSize: 5, Activation = Activation.Softmax)]
public partial class LstmLm;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Lstm(4, 6)]
[Dense(outputSize: 2, Activation = Activation.Softmax)]
public partial class LstmClf;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Lstm(4, 6, Peepholes = true)]
[Dense(outputSize: 5, Activation = Activation.Softmax)]
public partial class PeepholeLstmLm;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Lstm(4, 6, Peepholes = true)]
[Dense(outputSize: 2, Activation = Activation.Softmax)]
public partial class PeepholeLstmClf;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Gru(4, 6)]
[Dense(outputSize: 5, Activation = Activation.Softmax)]
public partial class GruLm;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Gru(4, 6)]
[Dense(outputSize: 2, Activation = Activation.Softmax)]
public partial class GruClf;
