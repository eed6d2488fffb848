namespace GenRnn.Tests.Training;

/// <summary>A small generated model for the checkpoint tests.</summary>
[RecurrentModel]
[Gru(3, 4)]
[Dense(2)]
internal sealed partial class FakeModel;
