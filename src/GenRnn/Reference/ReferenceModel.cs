namespace GenRnn.Reference;

/// <summary>
/// A plain, scalar, double-precision implementation of any model a <see cref="ModelDescription"/> describes, with
/// sizes known only at run time: the oracle that generated code is tested against and the scalar baseline of the
/// benchmarks. Forward and backward of each cell sit side by side (one file per cell family, under Cells/), with the
/// shapes of every operation on top.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Parameters"/> hold the parameters in exactly the flat layout of <see cref="Description"/> (the layout of
/// a generated model's <c>Parameters</c>), as doubles; gradients use the same layout. Matrix elements are located
/// through <see cref="ParameterTensor.FlatIndex"/>, so the reference follows the description's layout, transposed or
/// not.
/// </para>
/// <para>
/// States are flat spans of <see cref="StateSize"/> doubles: for each layer h, then c for LSTMs. Outputs are the
/// head's F(W h + b), or the top layer's h without a head. An instance keeps scratch buffers: use one per thread.
/// </para>
/// </remarks>
public sealed partial class ReferenceModel
{
    private readonly LayerParameters[] _layers;
    private readonly Matrix? _embedding;
    private readonly Matrix? _headWeight;
    private readonly int _headBias;
    private readonly StepRecord _scratchRecord;

    // Scratch, sized for the widest layer: pre-activations from the input (ax) and from the hidden state (ah), their
    // gradients, and the gradient of r ⊙ h (reset-before GRUs).
    private readonly double[] _ax, _ah, _dax, _dah, _drh;

    /// <summary>Creates the reference of <paramref name="description"/> with zero parameters.</summary>
    /// <exception cref="ArgumentException">The description has no layer, or a tensor is missing or mis-shaped.</exception>
    public ReferenceModel(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (description.Layers.Count == 0)
        {
            throw new ArgumentException($"{description.Name} has no recurrent layer.", nameof(description));
        }

        Description = description;
        Parameters = new double[description.ParameterCount];
        _layers = new LayerParameters[description.Layers.Count];
        int widest = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            LayerDescription layer = description.Layers[l];
            if (l > 0 && layer.InputSize != description.Layers[l - 1].HiddenSize)
            {
                throw new ArgumentException($"Layer {l} of {description.Name} takes {layer.InputSize} inputs, but the layer below has {description.Layers[l - 1].HiddenSize} hidden units.", nameof(description));
            }

            _layers[l] = new LayerParameters(description, l);
            widest = Math.Max(widest, layer.GateCount * layer.HiddenSize);
        }

        LayerDescription bottom = description.Layers[0];
        InputSize = bottom.InputSize;
        if (description.Vocabulary > 0)
        {
            if (description.EmbeddingDimensions != bottom.InputSize)
            {
                throw new ArgumentException($"The embedding of {description.Name} has {description.EmbeddingDimensions} dimensions, but the first layer takes {bottom.InputSize} inputs.", nameof(description));
            }

            _embedding = Matrix.Of(Require(description, "embedding.weight", description.Vocabulary, description.EmbeddingDimensions));
        }

        VocabularySize = description.Vocabulary > 0 ? description.Vocabulary : InputSize;
        OutputSize = description.HeadOutputs > 0 ? description.HeadOutputs : description.Layers[^1].HiddenSize;
        if (description.HeadOutputs > 0)
        {
            _headWeight = Matrix.Of(Require(description, "head.weight", description.HeadOutputs, description.Layers[^1].HiddenSize));
            _headBias = Require(description, "head.bias", description.HeadOutputs).Offset;
        }

        _scratchRecord = new StepRecord(description);
        _ax = new double[widest];
        _ah = new double[widest];
        _dax = new double[widest];
        _dah = new double[widest];
        _drh = new double[widest];
    }

    /// <summary>Creates the reference of <paramref name="description"/> with the given parameters.</summary>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">Parameters in the description's flat layout (e.g. a generated model's <c>Parameters</c>).</param>
    public ReferenceModel(ModelDescription description, ReadOnlySpan<float> parameters)
        : this(description)
    {
        LoadParameters(parameters);
    }

    /// <summary>The model's layers and parameter tensors.</summary>
    public ModelDescription Description { get; }

    /// <summary>All parameters, as doubles, in the flat layout of <see cref="Description"/>.</summary>
    public double[] Parameters { get; }

    /// <summary>Doubles per step of a float input (for embedding models: the embedding's dimensions).</summary>
    public int InputSize { get; }

    /// <summary>Doubles per step of the output: the head's outputs, or the top layer's hidden size without a head.</summary>
    public int OutputSize { get; }

    /// <summary>Doubles in a state (h, and c for LSTMs, of every layer).</summary>
    public int StateSize => Description.StateSize;

    /// <summary>Number of parameters.</summary>
    public int ParameterCount => Description.ParameterCount;

    /// <summary>Token ids accepted: the embedding's vocabulary, or <see cref="InputSize"/> (one-hot inputs).</summary>
    public int VocabularySize { get; }

    /// <summary>Copies <paramref name="parameters"/> (the description's flat layout) into <see cref="Parameters"/>.</summary>
    public void LoadParameters(ReadOnlySpan<float> parameters)
    {
        CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        for (int i = 0; i < parameters.Length; i++)
        {
            Parameters[i] = parameters[i];
        }
    }

    /// <summary>Creates a reusable trace for <see cref="Backward"/>.</summary>
    public ReferenceTrace CreateTrace() => new(this);

    /// <summary>
    /// Runs T = inputs.Length / InputSize steps from <paramref name="state"/>, writes T x OutputSize outputs and
    /// leaves the final state in <paramref name="state"/>; records what Backward needs when given a trace.
    /// </summary>
    public void Forward(ReadOnlySpan<float> inputs, Span<double> state, Span<double> outputs, ReferenceTrace? trace = null)
    {
        var converted = new double[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            converted[i] = inputs[i];
        }

        Forward((ReadOnlySpan<double>)converted, state, outputs, trace);
    }

    /// <summary>As the float overload, with inputs in double precision (e.g. for finite differences).</summary>
    public void Forward(ReadOnlySpan<double> inputs, Span<double> state, Span<double> outputs, ReferenceTrace? trace = null)
    {
        if (inputs.IsEmpty || inputs.Length % InputSize != 0)
        {
            throw new ArgumentException($"Expected a positive multiple of {InputSize} inputs, got {inputs.Length}.", nameof(inputs));
        }

        ForwardCore(inputs.Length / InputSize, inputs, default, state, outputs, trace);
    }

    /// <summary>
    /// Runs a sequence of token ids: each step's input is the token's embedding row, or without an embedding the
    /// one-hot vector of size <see cref="InputSize"/>.
    /// </summary>
    public void Forward(ReadOnlySpan<int> tokens, Span<double> state, Span<double> outputs, ReferenceTrace? trace = null)
    {
        if (tokens.IsEmpty)
        {
            throw new ArgumentException("Expected at least one token.", nameof(tokens));
        }

        foreach (int token in tokens)
        {
            if ((uint)token >= (uint)VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"Token ids must be in [0, {VocabularySize}).");
            }
        }

        ForwardCore(tokens.Length, default, tokens, state, outputs, trace);
    }

    /// <summary>
    /// Backpropagation through time over the traced sequence, using the current <see cref="Parameters"/> (those of
    /// the forward pass). <paramref name="outputGradients"/> (T x OutputSize, or empty for none) are the gradients
    /// with respect to the outputs Forward wrote (after the head's activation). <paramref name="stateGradient"/> holds
    /// the gradient with respect to the final state on entry and receives the gradient with respect to the initial
    /// state. <paramref name="inputGradients"/> (T x InputSize, or empty to skip) receives the gradients with respect
    /// to each step's input (for tokens: the embedding row or the one-hot vector); for tokens with an embedding they
    /// are also added into the embedding's rows of <paramref name="gradients"/>. Parameter gradients are added (+=)
    /// into <paramref name="gradients"/> (ParameterCount doubles, the layout of <see cref="Parameters"/>).
    /// </summary>
    public void Backward(ReferenceTrace trace, ReadOnlySpan<double> outputGradients, Span<double> stateGradient, Span<double> inputGradients, Span<double> gradients)
        => BackwardCore(trace, outputGradients, fromLogits: false, stateGradient, inputGradients, gradients);

    /// <summary>
    /// As <see cref="Backward"/>, but <paramref name="logitGradients"/> (T x OutputSize, or empty) are with respect to
    /// the head's pre-activations W h + b, as fused losses such as softmax cross-entropy give them. Without a head, or
    /// with an identity head, both are the same.
    /// </summary>
    public void BackwardFromLogits(ReferenceTrace trace, ReadOnlySpan<double> logitGradients, Span<double> stateGradient, Span<double> inputGradients, Span<double> gradients)
        => BackwardCore(trace, logitGradients, fromLogits: true, stateGradient, inputGradients, gradients);

    // =============================================================================================================
    // The sequence: layers bottom to top within a step, then the head.
    // =============================================================================================================

    private void ForwardCore(int steps, ReadOnlySpan<double> inputs, ReadOnlySpan<int> tokens, Span<double> state, Span<double> outputs, ReferenceTrace? trace)
    {
        CheckLength(state.Length, StateSize, nameof(state));
        CheckLength(outputs.Length, steps * OutputSize, nameof(outputs));
        if (trace is not null)
        {
            CheckTrace(trace, nameof(trace), recorded: false);
            trace.Begin(steps, tokens);
        }

        for (int t = 0; t < steps; t++)
        {
            StepRecord record = trace is null ? _scratchRecord : trace.Record(t);

            // x[I] = inputs[t, :], or embedding[token, :], or one_hot(token)[I]
            double[] x = record.Layers[0].X;
            if (tokens.IsEmpty)
            {
                inputs.Slice(t * InputSize, InputSize).CopyTo(x);
            }
            else if (Description.Vocabulary > 0)
            {
                for (int e = 0; e < InputSize; e++)
                {
                    x[e] = Parameters[_embedding!.At(tokens[t], e)];
                }
            }
            else
            {
                Array.Clear(x);
                x[tokens[t]] = 1;
            }

            for (int l = 0; l < _layers.Length; l++)
            {
                LayerParameters p = _layers[l];
                LayerRecord r = record.Layers[l];
                if (l > 0)
                {
                    // x_l[H_{l-1}] = h_{l-1}[H_{l-1}]
                    record.Layers[l - 1].H.CopyTo(r.X, 0);
                }

                Span<double> h = state.Slice(p.StateOffset, p.Hidden);
                h.CopyTo(r.HPrev);
                if (p.HasCellState)
                {
                    state.Slice(p.StateOffset + p.Hidden, p.Hidden).CopyTo(r.CPrev);
                }

                CellForward(p, r);

                r.H.CopyTo(h);
                if (p.HasCellState)
                {
                    r.C.CopyTo(state.Slice(p.StateOffset + p.Hidden, p.Hidden));
                }
            }

            Span<double> y = outputs.Slice(t * OutputSize, OutputSize);
            double[] top = record.Layers[^1].H;
            if (Description.HeadOutputs > 0)
            {
                HeadForward(top, record.Logits, record.Outputs);
                record.Outputs.CopyTo(y);
            }
            else
            {
                // y[H] = h_top[H]
                top.CopyTo(y);
            }
        }
    }

    private void BackwardCore(ReferenceTrace trace, ReadOnlySpan<double> upstream, bool fromLogits, Span<double> stateGradient, Span<double> inputGradients, Span<double> gradients)
    {
        ArgumentNullException.ThrowIfNull(trace);
        CheckTrace(trace, nameof(trace), recorded: true);
        int steps = trace.Steps;
        if (!upstream.IsEmpty)
        {
            CheckLength(upstream.Length, steps * OutputSize, fromLogits ? "logitGradients" : "outputGradients");
        }

        CheckLength(stateGradient.Length, StateSize, nameof(stateGradient));
        if (!inputGradients.IsEmpty)
        {
            CheckLength(inputGradients.Length, steps * InputSize, nameof(inputGradients));
        }

        CheckLength(gradients.Length, ParameterCount, nameof(gradients));

        // Carried from step t+1 to step t, per layer: dh[H] (and dc[H] for LSTMs), starting from the final state.
        var dh = new double[_layers.Length][];
        var dc = new double[_layers.Length][];
        for (int l = 0; l < _layers.Length; l++)
        {
            LayerParameters p = _layers[l];
            dh[l] = stateGradient.Slice(p.StateOffset, p.Hidden).ToArray();
            dc[l] = p.HasCellState ? stateGradient.Slice(p.StateOffset + p.Hidden, p.Hidden).ToArray() : [];
        }

        var dcPrev = new double[_layers.Max(p => p.Hidden)];
        for (int t = steps - 1; t >= 0; t--)
        {
            StepRecord record = trace.Record(t);
            double[] dTop = dh[^1];
            if (!upstream.IsEmpty)
            {
                ReadOnlySpan<double> dy = upstream.Slice(t * OutputSize, OutputSize);
                if (Description.HeadOutputs > 0)
                {
                    HeadBackward(record, dy, fromLogits, dTop, gradients);
                }
                else
                {
                    // dh_top[H] += dy[H]
                    for (int n = 0; n < dTop.Length; n++)
                    {
                        dTop[n] += dy[n];
                    }
                }
            }

            // Top layer first: layer l's input gradient is a gradient of layer l-1's h at the same step.
            for (int l = _layers.Length - 1; l >= 0; l--)
            {
                LayerParameters p = _layers[l];
                LayerRecord r = record.Layers[l];
                var dx = new double[p.Input];
                var dhPrev = new double[p.Hidden];
                Span<double> dcp = dcPrev.AsSpan(0, p.HasCellState ? p.Hidden : 0);
                dcp.Clear();

                CellBackward(p, r, dh[l], dc[l], dx, dhPrev, dcp, gradients);

                dhPrev.CopyTo(dh[l], 0);
                dcp.CopyTo(dc[l]);
                if (l > 0)
                {
                    // dh_{l-1}[H] += dx_l[H]
                    for (int n = 0; n < dx.Length; n++)
                    {
                        dh[l - 1][n] += dx[n];
                    }
                }
                else
                {
                    if (!inputGradients.IsEmpty)
                    {
                        dx.CopyTo(inputGradients.Slice(t * InputSize, InputSize));
                    }

                    if (trace.HasTokens && Description.Vocabulary > 0)
                    {
                        // dembedding[token, :] += dx[E]
                        int token = trace.Tokens[t];
                        for (int e = 0; e < dx.Length; e++)
                        {
                            gradients[_embedding!.At(token, e)] += dx[e];
                        }
                    }
                }
            }
        }

        for (int l = 0; l < _layers.Length; l++)
        {
            LayerParameters p = _layers[l];
            dh[l].CopyTo(stateGradient.Slice(p.StateOffset, p.Hidden));
            dc[l].CopyTo(stateGradient.Slice(p.StateOffset + p.Hidden, dc[l].Length));
        }
    }

    // One cell step of a layer: its family's forward, from the table its family's file fills (src/GenRnn/Cells).
    private void CellForward(LayerParameters p, LayerRecord r) => p.Reference.Forward(this, p, r);

    /// <summary>
    /// From dh = dL/dh' and dc = dL/dc' of the step's outputs: adds dL/dx into dx, dL/dh into dhPrev, dL/dc into
    /// dcPrev (all zero on entry) and the parameter gradients into gradients.
    /// </summary>
    private void CellBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients) =>
        p.Reference.Backward(this, p, r, dh, dc, dx, dhPrev, dcPrev, gradients);
}
