namespace GenRnn.Tests.Training;

/// <summary>A stand-in for a generated model: only its description and parameter buffer are real.</summary>
internal sealed class FakeModel : IRecurrentModel<FakeModel>
{
    private static readonly ModelDescription Shape = ModelDescription.Create(
        "GenRnn.Tests.Training.FakeModel", 0, 0, [new LayerSpec(CellKind.Gru, 3, 4)], 2, Activation.Identity);

    public static int InputSize => 3;

    public static int OutputSize => 2;

    public static int HiddenSize => 4;

    public static int LayerCount => 1;

    public static int StateSize => 4;

    public static int ParameterCount => Shape.ParameterCount;

    public static int VocabularySize => 3;

    public static ModelDescription Description => Shape;

    public float[] Parameters { get; } = new float[Shape.ParameterCount];

    public float[] Gradients { get; } = new float[Shape.ParameterCount];

    public static FakeModel Create() => new();

    public void ZeroGradients() => Array.Clear(Gradients);

    public Trace CreateTrace(int capacity = 0) => throw new NotSupportedException();

    public void Step(ReadOnlySpan<float> input, Span<float> state, Span<float> output) => throw new NotSupportedException();

    public void Step(int token, Span<float> state, Span<float> output) => throw new NotSupportedException();

    public void Forward(ReadOnlySpan<float> inputs, Span<float> state, Span<float> outputs) => throw new NotSupportedException();

    public void Forward(ReadOnlySpan<int> tokens, Span<float> state, Span<float> outputs) => throw new NotSupportedException();

    public void Forward(ReadOnlySpan<float> inputs, Span<float> state, Span<float> outputs, Trace trace) => throw new NotSupportedException();

    public void Forward(ReadOnlySpan<int> tokens, Span<float> state, Span<float> outputs, Trace trace) => throw new NotSupportedException();

    public void Backward(Trace trace, ReadOnlySpan<float> outputGradients, Span<float> stateGradient, Span<float> inputGradients, Span<float> gradients) => throw new NotSupportedException();

    public void BackwardFromLogits(Trace trace, ReadOnlySpan<float> logitGradients, Span<float> stateGradient, Span<float> inputGradients, Span<float> gradients) => throw new NotSupportedException();
}
