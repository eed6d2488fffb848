using GenRnn;

namespace Sentiment;

/// <summary>Word embedding, LSTM, two classes (negative, positive) read at the last word.</summary>
[RecurrentModel]
[Embedding(vocabulary: Vocabulary.Capacity, dimensions: 32)]
[Lstm(32, 32)]
[Dense(2)]
public partial class SentimentLstm;

/// <summary>The same with a GRU.</summary>
[RecurrentModel]
[Embedding(vocabulary: Vocabulary.Capacity, dimensions: 32)]
[Gru(32, 32)]
[Dense(2)]
public partial class SentimentGru;
