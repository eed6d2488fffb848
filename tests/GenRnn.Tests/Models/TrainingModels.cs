using GenRnn;

namespace GenRnn.Tests.Models;

// The models of Golden/pytorch-golden.json's training_cases: one-hot inputs of 5 -> 6 hidden -> linear head of 5.

[RecurrentModel]
[Lstm(5, 6)]
[Dense(5)]
public partial class TrainLstm;

[RecurrentModel]
[Gru(5, 6)]
[Dense(5)]
public partial class TrainGru;

[RecurrentModel]
[Rnn(5, 6)]
[Dense(5)]
public partial class TrainRnn;

[RecurrentModel]
[Lstm(5, 6, Peepholes = true)]
[Dense(5)]
public partial class TrainPeepholeLstm;
