namespace GenRnn.Training;

/// <summary>What an optimizer needs to resume exactly where it stopped.</summary>
/// <param name="Kind">The optimizer's kind, e.g. <c>Adam</c>; a state only loads into the same kind.</param>
/// <param name="StepCount">Updates made so far.</param>
/// <param name="LearningRate">The learning rate at the time.</param>
/// <param name="Buffers">
/// The per-parameter buffers under PyTorch's names (<c>momentum_buffer</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>,
/// <c>max_exp_avg_sq</c>, <c>square_avg</c>, <c>grad_avg</c>), each of shape [ParameterCount].
/// </param>
public sealed record OptimizerState(string Kind, long StepCount, double LearningRate, IReadOnlyList<NamedTensor> Buffers);
