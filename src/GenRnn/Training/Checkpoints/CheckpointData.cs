namespace GenRnn.Training;

/// <summary>The contents of a checkpoint file.</summary>
/// <param name="ModelName">The model's full type name (<see cref="ModelDescription.Name"/>).</param>
/// <param name="Parameters">The model's parameters, in its flat layout.</param>
/// <param name="Optimizer">The optimizer's state, or null when none was saved.</param>
/// <param name="Position">Where training stood.</param>
public sealed record CheckpointData(string ModelName, float[] Parameters, OptimizerState? Optimizer, TrainingPosition Position);
