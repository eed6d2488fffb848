using GenRnn;

namespace Captioning;

/// <summary>
/// Maps a picture's feature vector to the decoder's initial state: one LSTM step from a zero state, whose (h, c)
/// become the decoder's (h, c). A learnt projection with the decoder's state layout.
/// </summary>
[RecurrentModel]
[Lstm(Pictures.FeatureCount, 64)]
public partial class ImageEncoder;

/// <summary>The caption decoder: the previous word in, scores of the next word out.</summary>
[RecurrentModel]
[Embedding(Words.Count, 16)]
[Lstm(16, 64)]
[Dense(Words.Count)]
public partial class CaptionDecoder;
