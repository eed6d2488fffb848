namespace GenRnn;

/// <summary>
/// What every generated model offers. The static members are constants of the declaration, so generic code
/// (the trainer, interop) is specialised by the JIT for each model.
/// </summary>
/// <remarks>
/// States are flat spans of <see cref="StateSize"/> floats: for each layer h, then c for LSTMs. The generated
/// <c>State</c> struct holds the same floats and has <c>ref State</c> overloads of these methods.
/// </remarks>
public interface IRecurrentModel<TSelf> where TSelf : class, IRecurrentModel<TSelf>
{
    /// <summary>Floats per step of a float input (for embedding models: the embedding's dimensions).</summary>
    static abstract int InputSize { get; }

    /// <summary>Floats per step of the output: the head's outputs, or the top layer's hidden size without a head.</summary>
    static abstract int OutputSize { get; }

    /// <summary>Hidden size of the top recurrent layer.</summary>
    static abstract int HiddenSize { get; }

    /// <summary>Number of recurrent layers.</summary>
    static abstract int LayerCount { get; }

    /// <summary>Floats in a state (h, and c for LSTMs, of every layer).</summary>
    static abstract int StateSize { get; }

    /// <summary>Number of parameters.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>Token ids accepted by the token overloads: the embedding's vocabulary, or <see cref="InputSize"/> (one-hot inputs).</summary>
    static abstract int VocabularySize { get; }

    /// <summary>The model's layers and parameter tensors.</summary>
    static abstract ModelDescription Description { get; }

    /// <summary>Creates a model with zero parameters.</summary>
    static abstract TSelf Create();

    /// <summary>All parameters, in the layout <see cref="Description"/> gives.</summary>
    float[] Parameters { get; }

    /// <summary>The gradient of each parameter; Backward adds into it.</summary>
    float[] Gradients { get; }

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary>
    /// Loads parameters from tensors in PyTorch's layout, strictly (see <see cref="PyTorchLayout.Import"/>): a name is
    /// <paramref name="prefix"/> + the tensor's name, as <see cref="ExportParameters"/> writes it, or the bare name.
    /// </summary>
    void ImportParameters(IEnumerable<NamedTensor> tensors, string prefix = "");

    /// <summary>
    /// The parameters as tensors in PyTorch's layout, <paramref name="prefix"/> before every name exactly as given;
    /// <see cref="ImportParameters"/> with the same prefix loads them back (see <see cref="PyTorchLayout.Export"/>).
    /// </summary>
    List<NamedTensor> ExportParameters(string prefix = "");

    /// <summary>The gradients as tensors in PyTorch's layout, named as <see cref="ExportParameters"/> names them.</summary>
    List<NamedTensor> ExportGradients(string prefix = "");

    /// <summary>Creates a reusable trace with room for <paramref name="capacity"/> steps.</summary>
    Trace CreateTrace(int capacity = 0);

    /// <summary>One step: reads <paramref name="state"/>, writes the next state into it and the step's output.</summary>
    void Step(ReadOnlySpan<float> input, Span<float> state, Span<float> output);

    /// <summary>One step from a token id (embedding lookup, or a one-hot input without an embedding).</summary>
    void Step(int token, Span<float> state, Span<float> output);

    /// <summary>
    /// One step of many independent streams: stream s reads inputs[s * InputSize ..], updates states[s * StateSize ..]
    /// and writes outputs[s * OutputSize ..]; the weights are read once per group of streams.
    /// </summary>
    void StepStreams(ReadOnlySpan<float> inputs, Span<float> states, Span<float> outputs);

    /// <summary>Runs a sequence of T = inputs.Length / InputSize steps; writes T outputs; leaves the final state.</summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> state, Span<float> outputs);

    /// <summary>Runs a sequence of token ids.</summary>
    void Forward(ReadOnlySpan<int> tokens, Span<float> state, Span<float> outputs);

    /// <summary>Runs a sequence and records in <paramref name="trace"/> what Backward needs.</summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> state, Span<float> outputs, Trace trace);

    /// <summary>Runs a sequence of token ids and records in <paramref name="trace"/> what Backward needs.</summary>
    void Forward(ReadOnlySpan<int> tokens, Span<float> state, Span<float> outputs, Trace trace);

    /// <summary>
    /// Backpropagation through time over the traced sequence. <paramref name="outputGradients"/> (T x OutputSize, or
    /// empty for none) are the loss gradients with respect to the outputs Forward wrote. <paramref name="stateGradient"/>
    /// holds the gradient with respect to the final state on entry and receives the gradient with respect to the
    /// initial state. <paramref name="inputGradients"/> (T x InputSize, or empty to skip) receives the gradients with
    /// respect to the inputs; for token inputs they go to the embedding instead. Parameter gradients are added (+=)
    /// into <paramref name="gradients"/> (ParameterCount floats). The trace serves one Backward: it is overwritten with
    /// gate gradients, and a second Backward on it throws until Forward records into it again.
    /// </summary>
    void Backward(Trace trace, ReadOnlySpan<float> outputGradients, Span<float> stateGradient, Span<float> inputGradients, Span<float> gradients);

    /// <summary>
    /// As <see cref="Backward"/>, but <paramref name="logitGradients"/> are with respect to the head's pre-activations
    /// (W h + b), as fused losses such as softmax cross-entropy give them. Without an activation both are the same.
    /// </summary>
    void BackwardFromLogits(Trace trace, ReadOnlySpan<float> logitGradients, Span<float> stateGradient, Span<float> inputGradients, Span<float> gradients);
}
