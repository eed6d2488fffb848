using System.ComponentModel;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GenRnn.CompilerServices;

/// <summary>
/// The argument checks of generated models; for generated code only (its members may change with the generator).
/// Every model used to carry its own copy of these; it now passes its constants (sizes, trace layout) instead. The
/// per-step checks are inlined into the caller, where those arguments are constants, and every throw is out of line,
/// so the hot path stays a compare and a branch. Messages and parameter names are part of the models' contract.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[StackTraceHidden] // exceptions point at the model's method the caller called, not at this helper
public static class ModelArguments
{
    /// <summary>Throws <see cref="ArgumentException"/> for <paramref name="name"/> unless it holds <paramref name="expected"/> floats.</summary>
    /// <param name="actual">The span's length.</param>
    /// <param name="expected">The length the model needs.</param>
    /// <param name="name">The parameter's name.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, name);
        }
    }

    /// <summary>Checks a sequence's spans (float inputs) and returns its steps.</summary>
    /// <param name="inputs">Floats of inputs: a non-empty multiple of <paramref name="inputSize"/>.</param>
    /// <param name="state">Floats of state.</param>
    /// <param name="outputs">Floats of outputs: steps * <paramref name="outputSize"/>.</param>
    /// <param name="inputSize">The model's InputSize.</param>
    /// <param name="stateSize">The model's StateSize.</param>
    /// <param name="outputSize">The model's OutputSize.</param>
    /// <returns>The number of steps.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CheckSequence(int inputs, int state, int outputs, int inputSize, int stateSize, int outputSize)
    {
        if (inputs == 0 || inputs % inputSize != 0)
        {
            ThrowMultiple("InputSize", inputSize, inputs, nameof(inputs));
        }

        int steps = inputs / inputSize;
        CheckLength(state, stateSize, nameof(state));
        CheckLength(outputs, steps * outputSize, nameof(outputs));
        return steps;
    }

    /// <summary>Checks the spans of StepStreams and returns the number of streams.</summary>
    /// <param name="inputs">Floats of inputs: streams * <paramref name="inputSize"/>.</param>
    /// <param name="states">Floats of states: a non-empty multiple of <paramref name="stateSize"/>.</param>
    /// <param name="outputs">Floats of outputs: streams * <paramref name="outputSize"/>.</param>
    /// <param name="inputSize">The model's InputSize.</param>
    /// <param name="stateSize">The model's StateSize.</param>
    /// <param name="outputSize">The model's OutputSize.</param>
    /// <returns>The number of streams.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CheckStreams(int inputs, int states, int outputs, int inputSize, int stateSize, int outputSize)
    {
        if (states == 0 || states % stateSize != 0)
        {
            ThrowMultiple("StateSize", stateSize, states, nameof(states));
        }

        int streams = states / stateSize;
        CheckLength(inputs, streams * inputSize, nameof(inputs));
        CheckLength(outputs, streams * outputSize, nameof(outputs));
        return streams;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for <paramref name="name"/> unless 0 &lt;= <paramref name="token"/> &lt; <paramref name="vocabularySize"/>.</summary>
    /// <param name="token">The token id.</param>
    /// <param name="vocabularySize">The model's VocabularySize.</param>
    /// <param name="name">The parameter's name.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckToken(int token, int vocabularySize, string name)
    {
        if ((uint)token >= (uint)vocabularySize)
        {
            ThrowToken(token, vocabularySize, name);
        }
    }

    /// <summary>Checks a sequence of token ids (non-empty, each in range) and the state and output spans.</summary>
    /// <param name="tokens">The token ids.</param>
    /// <param name="state">Floats of state.</param>
    /// <param name="outputs">Floats of outputs: tokens.Length * <paramref name="outputSize"/>.</param>
    /// <param name="vocabularySize">The model's VocabularySize.</param>
    /// <param name="stateSize">The model's StateSize.</param>
    /// <param name="outputSize">The model's OutputSize.</param>
    public static void CheckTokens(ReadOnlySpan<int> tokens, int state, int outputs, int vocabularySize, int stateSize, int outputSize)
    {
        if (tokens.IsEmpty)
        {
            throw new ArgumentException("Expected at least one token.", nameof(tokens));
        }

        for (int t = 0; t < tokens.Length; t++)
        {
            if ((uint)tokens[t] >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[t], $"Token at position {t} is outside [0, {vocabularySize}).");
            }
        }

        CheckLength(state, stateSize, nameof(state));
        CheckLength(outputs, tokens.Length * outputSize, nameof(outputs));
    }

    /// <summary>Throws unless <paramref name="trace"/> was created by the model's CreateTrace.</summary>
    /// <param name="trace">The trace.</param>
    /// <param name="model">The model's type.</param>
    /// <param name="headerFloats">The model's TraceHeader.</param>
    /// <param name="floatsPerStep">The model's StepRecordSize.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckTrace([NotNull] Trace? trace, Type model, int headerFloats, int floatsPerStep)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (trace.Model != model || trace.HeaderFloats != headerFloats || trace.FloatsPerStep != floatsPerStep)
        {
            ThrowTrace(trace);
        }
    }

    /// <summary>
    /// The checks of Backward: the trace holds an unused forward pass of the model, and every span has the length
    /// the traced steps need (an empty outputGradients or inputGradients means none). Returns the traced steps.
    /// </summary>
    /// <param name="trace">The trace.</param>
    /// <param name="model">The model's type.</param>
    /// <param name="headerFloats">The model's TraceHeader.</param>
    /// <param name="floatsPerStep">The model's StepRecordSize.</param>
    /// <param name="outputGradients">Floats of output gradients: 0, or steps * <paramref name="outputSize"/>.</param>
    /// <param name="stateGradient">Floats of state gradient.</param>
    /// <param name="inputGradients">Floats of input gradients: 0, or steps * <paramref name="inputSize"/> after float inputs.</param>
    /// <param name="gradients">Floats of parameter gradients.</param>
    /// <param name="inputSize">The model's InputSize.</param>
    /// <param name="stateSize">The model's StateSize.</param>
    /// <param name="outputSize">The model's OutputSize.</param>
    /// <param name="parameterCount">The model's ParameterCount.</param>
    /// <returns>The traced steps.</returns>
    public static int CheckBackward([NotNull] Trace? trace, Type model, int headerFloats, int floatsPerStep, int outputGradients, int stateGradient, int inputGradients, int gradients, int inputSize, int stateSize, int outputSize, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(trace);
        trace.Validate(model, nameof(trace));
        CheckTrace(trace, model, headerFloats, floatsPerStep);
        int steps = trace.Steps;
        if (outputGradients != 0)
        {
            CheckLength(outputGradients, steps * outputSize, nameof(outputGradients));
        }

        CheckLength(stateGradient, stateSize, nameof(stateGradient));
        if (inputGradients != 0)
        {
            if (trace.HasTokens)
            {
                throw new ArgumentException("The traced pass took token ids; their gradients go to the embedding, so pass an empty span.", nameof(inputGradients));
            }

            CheckLength(inputGradients, steps * inputSize, nameof(inputGradients));
        }

        CheckLength(gradients, parameterCount, nameof(gradients));
        return steps;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int actual, int expected, string name) =>
        throw new ArgumentException($"Expected {expected} floats, got {actual}.", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMultiple(string size, int expected, int actual, string name) =>
        throw new ArgumentException($"Expected a non-empty multiple of {size} ({expected}) floats, got {actual}.", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowToken(int token, int vocabularySize, string name) =>
        throw new ArgumentOutOfRangeException(name, token, $"Token ids must be in [0, {vocabularySize}).");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTrace(Trace trace) =>
        throw new ArgumentException($"The trace was created for {trace.Model.Name}; create one with this model's CreateTrace.", nameof(trace));
}
