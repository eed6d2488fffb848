using GenRnn;

namespace GenRnn.Tests.Models;

// Models with the sizes of the cases of Golden/pytorch-golden-variants.json that GenRnn has a cell for, each new cell at
// every vector width (512, 256, 32). V is the peephole LSTM and NP the plain one: GoldenModels.cs declares those.

[RecurrentModel]
[Lstm(3, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class Gateless3x5;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class Gateless3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class Gateless3x5W32;

[RecurrentModel]
[Lstm(8, 16, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class Gateless8x16;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class Gateless8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class Gateless8x16W32;

[RecurrentModel]
[Lstm(3, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
[Lstm(5, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class GatelessTwoLayers;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
[Lstm(5, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class GatelessTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
[Lstm(5, 5, InputGate = false, ForgetGate = false, OutputGate = false)]
public partial class GatelessTwoLayersW32;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Lstm(4, 6, InputGate = false, ForgetGate = false, OutputGate = false)]
[Dense(outputSize: 5, Activation = Activation.Softmax)]
public partial class GatelessLm;

[RecurrentModel(VectorWidth = 32)]
[Embedding(vocabulary: 11, dimensions: 4)]
[Lstm(4, 6, InputGate = false, ForgetGate = false, OutputGate = false)]
[Dense(outputSize: 2, Activation = Activation.Softmax)]
public partial class GatelessClf;
