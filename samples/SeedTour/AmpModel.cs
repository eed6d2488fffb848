using GenRnn;

namespace SeedTour;

/// <summary>A small LSTM that maps an audio-rate signal to an output sample, one sample at a time.</summary>
[RecurrentModel]
[Lstm(inputSize: 1, hiddenSize: 16)]
[Dense(outputSize: 1)]
public partial class AmpModel;
