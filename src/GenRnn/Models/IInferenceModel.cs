namespace GenRnn;

/// <summary>
/// The inference calls of a model, over flat spans: what a bfloat16 snapshot (<c>ToBFloat16()</c>, see
/// <see cref="RecurrentModelAttribute.BFloat16Inference"/>) offers. Same contracts as the corresponding members of
/// <see cref="IRecurrentModel{TSelf}"/>.
/// </summary>
public interface IInferenceModel
{
    /// <summary>One step: reads and updates <paramref name="state"/> (StateSize floats), writes OutputSize floats.</summary>
    void Step(ReadOnlySpan<float> input, Span<float> state, Span<float> output);

    /// <summary>One step from a token id (an embedding row, or a one-hot input).</summary>
    void Step(int token, Span<float> state, Span<float> output);

    /// <summary>Runs inputs.Length / InputSize steps from <paramref name="state"/>, leaving the final state.</summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> state, Span<float> outputs);

    /// <summary>Runs a sequence of token ids from <paramref name="state"/>, leaving the final state.</summary>
    void Forward(ReadOnlySpan<int> tokens, Span<float> state, Span<float> outputs);
}
