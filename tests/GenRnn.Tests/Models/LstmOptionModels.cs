using GenRnn;

namespace GenRnn.Tests.Models;

// Models for the LSTM option cases of Golden/pytorch-golden-variants.json (NIG, NFG, NOG, NIAF, NOAF, CIFG, each with
// peepholes as the file has them), each at every vector width (512, 256, 32): LstmVariant layers; and V and NP at
// 256 and 32.

[RecurrentModel]
[Lstm(3, 5, InputGate = false, Peepholes = true)]
public partial class Nig3x5;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, InputGate = false, Peepholes = true)]
public partial class Nig3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, InputGate = false, Peepholes = true)]
public partial class Nig3x5W32;

[RecurrentModel]
[Lstm(8, 16, InputGate = false, Peepholes = true)]
public partial class Nig8x16;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16, InputGate = false, Peepholes = true)]
public partial class Nig8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16, InputGate = false, Peepholes = true)]
public partial class Nig8x16W32;

[RecurrentModel]
[Lstm(3, 5, InputGate = false, Peepholes = true)]
[Lstm(5, 5, InputGate = false, Peepholes = true)]
public partial class NigTwoLayers;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, InputGate = false, Peepholes = true)]
[Lstm(5, 5, InputGate = false, Peepholes = true)]
public partial class NigTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, InputGate = false, Peepholes = true)]
[Lstm(5, 5, InputGate = false, Peepholes = true)]
public partial class NigTwoLayersW32;

[RecurrentModel]
[Lstm(3, 5, ForgetGate = false, Peepholes = true)]
public partial class Nfg3x5;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, ForgetGate = false, Peepholes = true)]
public partial class Nfg3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, ForgetGate = false, Peepholes = true)]
public partial class Nfg3x5W32;

[RecurrentModel]
[Lstm(8, 16, ForgetGate = false, Peepholes = true)]
public partial class Nfg8x16;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16, ForgetGate = false, Peepholes = true)]
public partial class Nfg8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16, ForgetGate = false, Peepholes = true)]
public partial class Nfg8x16W32;

[RecurrentModel]
[Lstm(3, 5, ForgetGate = false, Peepholes = true)]
[Lstm(5, 5, ForgetGate = false, Peepholes = true)]
public partial class NfgTwoLayers;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, ForgetGate = false, Peepholes = true)]
[Lstm(5, 5, ForgetGate = false, Peepholes = true)]
public partial class NfgTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, ForgetGate = false, Peepholes = true)]
[Lstm(5, 5, ForgetGate = false, Peepholes = true)]
public partial class NfgTwoLayersW32;

[RecurrentModel]
[Lstm(3, 5, OutputGate = false, Peepholes = true)]
public partial class Nog3x5;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, OutputGate = false, Peepholes = true)]
public partial class Nog3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, OutputGate = false, Peepholes = true)]
public partial class Nog3x5W32;

[RecurrentModel]
[Lstm(8, 16, OutputGate = false, Peepholes = true)]
public partial class Nog8x16;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16, OutputGate = false, Peepholes = true)]
public partial class Nog8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16, OutputGate = false, Peepholes = true)]
public partial class Nog8x16W32;

[RecurrentModel]
[Lstm(3, 5, OutputGate = false, Peepholes = true)]
[Lstm(5, 5, OutputGate = false, Peepholes = true)]
public partial class NogTwoLayers;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, OutputGate = false, Peepholes = true)]
[Lstm(5, 5, OutputGate = false, Peepholes = true)]
public partial class NogTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, OutputGate = false, Peepholes = true)]
[Lstm(5, 5, OutputGate = false, Peepholes = true)]
public partial class NogTwoLayersW32;

[RecurrentModel]
[Lstm(3, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class Niaf3x5;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class Niaf3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class Niaf3x5W32;

[RecurrentModel]
[Lstm(8, 16, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class Niaf8x16;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class Niaf8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class Niaf8x16W32;

[RecurrentModel]
[Lstm(3, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
[Lstm(5, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class NiafTwoLayers;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
[Lstm(5, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class NiafTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
[Lstm(5, 5, Peepholes = true, CellInputActivation = CellActivation.Identity)]
public partial class NiafTwoLayersW32;

[RecurrentModel]
[Lstm(3, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class Noaf3x5;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class Noaf3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class Noaf3x5W32;

[RecurrentModel]
[Lstm(8, 16, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class Noaf8x16;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class Noaf8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class Noaf8x16W32;

[RecurrentModel]
[Lstm(3, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
[Lstm(5, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class NoafTwoLayers;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
[Lstm(5, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class NoafTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
[Lstm(5, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
public partial class NoafTwoLayersW32;

[RecurrentModel]
[Lstm(3, 5, CoupledGates = true, Peepholes = true)]
public partial class Cifg3x5;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, CoupledGates = true, Peepholes = true)]
public partial class Cifg3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, CoupledGates = true, Peepholes = true)]
public partial class Cifg3x5W32;

[RecurrentModel]
[Lstm(8, 16, CoupledGates = true, Peepholes = true)]
public partial class Cifg8x16;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16, CoupledGates = true, Peepholes = true)]
public partial class Cifg8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16, CoupledGates = true, Peepholes = true)]
public partial class Cifg8x16W32;

[RecurrentModel]
[Lstm(3, 5, CoupledGates = true, Peepholes = true)]
[Lstm(5, 5, CoupledGates = true, Peepholes = true)]
public partial class CifgTwoLayers;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, CoupledGates = true, Peepholes = true)]
[Lstm(5, 5, CoupledGates = true, Peepholes = true)]
public partial class CifgTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, CoupledGates = true, Peepholes = true)]
[Lstm(5, 5, CoupledGates = true, Peepholes = true)]
public partial class CifgTwoLayersW32;

[RecurrentModel]
[Embedding(vocabulary: 11, dimensions: 4)]
[Lstm(4, 6, CoupledGates = true, Peepholes = true)]
[Dense(outputSize: 5, Activation = Activation.Softmax)]
public partial class CifgLm;

[RecurrentModel(VectorWidth = 32)]
[Embedding(vocabulary: 11, dimensions: 4)]
[Lstm(4, 6, CoupledGates = true, Peepholes = true)]
[Dense(outputSize: 2, Activation = Activation.Softmax)]
public partial class CifgClf;

// V (the peephole LSTM) and NP (the plain one) at the other vector widths; GoldenModels.cs declares them at 512.
[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, Peepholes = true)]
public partial class PeepholeLstm3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, Peepholes = true)]
public partial class PeepholeLstm3x5W32;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16, Peepholes = true)]
public partial class PeepholeLstm8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16, Peepholes = true)]
public partial class PeepholeLstm8x16W32;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5, Peepholes = true)]
[Lstm(5, 5, Peepholes = true)]
public partial class PeepholeLstmTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5, Peepholes = true)]
[Lstm(5, 5, Peepholes = true)]
public partial class PeepholeLstmTwoLayersW32;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5)]
public partial class Lstm3x5W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5)]
public partial class Lstm3x5W32;

[RecurrentModel(VectorWidth = 256)]
[Lstm(8, 16)]
public partial class Lstm8x16W256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(8, 16)]
public partial class Lstm8x16W32;

[RecurrentModel(VectorWidth = 256)]
[Lstm(3, 5)]
[Lstm(5, 5)]
public partial class LstmTwoLayersW256;

[RecurrentModel(VectorWidth = 32)]
[Lstm(3, 5)]
[Lstm(5, 5)]
public partial class LstmTwoLayersW32;

