namespace GenRnn;

/// <summary>
/// What a forward pass records for the backward pass (BPTT): the initial state, every step's input and every
/// layer's gate activations and states. Create one with the model's <c>CreateTrace</c> and reuse it: it only
/// allocates when a sequence is longer than any it has held before.
/// </summary>
public sealed class Trace
{
    private float[] _data;
    private float[] _workspace;
    private int[] _tokens;

    /// <summary>Creates a trace; generated models call this through their <c>CreateTrace</c>.</summary>
    /// <param name="model">The model type that writes and reads the trace.</param>
    /// <param name="headerFloats">Floats recorded once per sequence (the initial state).</param>
    /// <param name="floatsPerStep">Floats recorded per step.</param>
    /// <param name="capacity">Steps to reserve room for now.</param>
    /// <param name="workspaceFloatsPerStep">Scratch floats per step that Backward uses (gradients flowing between layers).</param>
    public Trace(Type model, int headerFloats, int floatsPerStep, int capacity, int workspaceFloatsPerStep = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(headerFloats);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(floatsPerStep);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(workspaceFloatsPerStep);
        Model = model;
        WorkspaceFloatsPerStep = workspaceFloatsPerStep;
        HeaderFloats = headerFloats;
        FloatsPerStep = floatsPerStep;
        _data = AlignedArray.Create(checked(headerFloats + capacity * floatsPerStep));
        _workspace = AlignedArray.Create(checked(capacity * workspaceFloatsPerStep));
        _tokens = new int[capacity];
        Capacity = capacity;
    }

    /// <summary>Scratch floats per step for Backward.</summary>
    public int WorkspaceFloatsPerStep { get; }

    /// <summary>Whether Backward has used the recorded pass (it overwrites the gate activations with their gradients).</summary>
    public bool Consumed { get; private set; }

    /// <summary>Backward's scratch for the recorded steps.</summary>
    public Span<float> Workspace => _workspace.AsSpan(0, Steps * WorkspaceFloatsPerStep);

    /// <summary>The model type this trace belongs to.</summary>
    public Type Model { get; }

    /// <summary>Floats recorded once per sequence.</summary>
    public int HeaderFloats { get; }

    /// <summary>Floats recorded per step.</summary>
    public int FloatsPerStep { get; }

    /// <summary>Steps the trace holds without growing.</summary>
    public int Capacity { get; private set; }

    /// <summary>Steps recorded by the last forward pass; 0 before any.</summary>
    public int Steps { get; private set; }

    /// <summary>Whether the last forward pass took token ids (their embeddings then receive the input gradients).</summary>
    public bool HasTokens { get; private set; }

    /// <summary>The recorded floats of the last forward pass (header, then one record per step).</summary>
    public Span<float> Data => _data.AsSpan(0, HeaderFloats + Steps * FloatsPerStep);

    /// <summary>The token ids of the last forward pass when <see cref="HasTokens"/>.</summary>
    public ReadOnlySpan<int> Tokens => HasTokens ? _tokens.AsSpan(0, Steps) : default;

    /// <summary>Starts recording a sequence of <paramref name="steps"/> steps; generated code calls this.</summary>
    /// <returns>The span to record into: header, then one record per step.</returns>
    public Span<float> Begin(int steps, ReadOnlySpan<int> tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!tokens.IsEmpty && tokens.Length != steps)
        {
            throw new ArgumentException($"Expected {steps} tokens, got {tokens.Length}.", nameof(tokens));
        }

        if (steps > Capacity)
        {
            int capacity = Math.Max(steps, Capacity * 2);
            _data = AlignedArray.Create(checked(HeaderFloats + capacity * FloatsPerStep));
            _workspace = AlignedArray.Create(checked(capacity * WorkspaceFloatsPerStep));
            _tokens = new int[capacity];
            Capacity = capacity;
        }

        Steps = steps;
        Consumed = false;
        HasTokens = !tokens.IsEmpty;
        tokens.CopyTo(_tokens);
        return Data;
    }

    /// <summary>Throws unless this trace was written by <paramref name="model"/> and holds a forward pass.</summary>
    public void Validate(Type model, string parameterName)
    {
        if (Model != model)
        {
            throw new ArgumentException($"This trace belongs to {Model.Name}, not {model.Name}.", parameterName);
        }

        if (Steps == 0)
        {
            throw new ArgumentException("The trace holds no forward pass: call Forward with it first.", parameterName);
        }

        if (Consumed)
        {
            throw new ArgumentException("Backward has already used this trace (it overwrites the recorded gates with their gradients); run Forward with it again first.", parameterName);
        }
    }

    /// <summary>Marks the recorded pass as used by Backward; generated code calls this before overwriting it.</summary>
    public void MarkConsumed() => Consumed = true;
}
