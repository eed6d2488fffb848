using GenRnn;

namespace Streaming;

/// <summary>A guitar-amp-sized LSTM: one sample in, one sample out.</summary>
[RecurrentModel]
[Lstm(inputSize: 1, hiddenSize: 16)]
[Dense(outputSize: 1)]
public partial class AmpLstm16;

/// <summary>A larger one, to see how the step time grows with the hidden size.</summary>
[RecurrentModel]
[Lstm(inputSize: 1, hiddenSize: 64)]
[Dense(outputSize: 1)]
public partial class AmpLstm64;
