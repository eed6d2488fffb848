using GenRnn;

namespace AmpPlayer;

/// <summary>
/// The model the player runs: one LSTM layer of 40 units over a mono sample, and a dense head back to one sample, the
/// shape of Proteus's models (Automated-GuitarAmpModelling's SimpleRNN with hidden_size 40; NeuralPi's are 20, AIDA-X's
/// standard RTNeural models 16). A file of another shape is refused with the declaration it needs: put that here
/// (or ask <c>genrnn-declare FILE</c>), and the generator specialises the code to it.
/// </summary>
[RecurrentModel]
[Lstm(inputSize: 1, hiddenSize: 40)]
[Dense(outputSize: 1)]
public partial class AmpLstm40;
