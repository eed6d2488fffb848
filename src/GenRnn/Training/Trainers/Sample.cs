namespace GenRnn.Training;

/// <summary>
/// One training sequence: its inputs (float vectors or token ids) and its targets (class ids or float values), with
/// optional weights per target step (0 masks a step out). Which steps have targets depends on the <see cref="Scenario"/>.
/// </summary>
/// <param name="Inputs">T × InputSize floats, or null when <paramref name="Tokens"/> are given.</param>
/// <param name="Tokens">T token ids, or null when <paramref name="Inputs"/> are given.</param>
/// <param name="Classes">One class id per target step (cross-entropy), or null.</param>
/// <param name="Values">OutputSize floats per target step (binary cross-entropy, mean squared error), or null.</param>
/// <param name="Weights">One non-negative weight per target step, or null for all ones.</param>
public sealed record Sample(float[]? Inputs = null, int[]? Tokens = null, int[]? Classes = null, float[]? Values = null, float[]? Weights = null)
{
    /// <summary>A sequence of token ids with one class target per target step.</summary>
    public static Sample FromTokens(int[] tokens, int[] classes, float[]? weights = null) => new(Tokens: tokens, Classes: classes, Weights: weights);

    /// <summary>A sequence of float vectors with one class target per target step.</summary>
    public static Sample FromVectors(float[] inputs, int[] classes, float[]? weights = null) => new(Inputs: inputs, Classes: classes, Weights: weights);

    /// <summary>A sequence of float vectors with float targets.</summary>
    public static Sample FromVectors(float[] inputs, float[] values, float[]? weights = null) => new(Inputs: inputs, Values: values, Weights: weights);
}
