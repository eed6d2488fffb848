namespace GenRnn.Reference;

/// <summary>
/// A plain, scalar, double-precision implementation of any model a <see cref="ModelDescription"/> describes, with
/// sizes known only at run time: the oracle that generated code is tested against and the scalar baseline of the
/// benchmarks. Forward and backward of each cell sit side by side, with the shapes of every operation on top.
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
public sealed class ReferenceModel
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

    private void CellForward(LayerParameters p, LayerRecord r)
    {
        switch (p.Cell)
        {
            case CellKind.Rnn: RnnForward(p, r); break;
            case CellKind.Lstm: LstmForward(p, r); break;
            case CellKind.LstmNoForgetGate: LstmNoForgetGateForward(p, r); break;
            case CellKind.PeepholeLstm: PeepholeLstmForward(p, r); break;
            case CellKind.Gru: GruForward(p, r); break;
            case CellKind.GruResetBefore: GruResetBeforeForward(p, r); break;
            default: throw new NotSupportedException($"Cell {p.Cell} is not supported.");
        }
    }

    /// <summary>
    /// From dh = dL/dh' and dc = dL/dc' of the step's outputs: adds dL/dx into dx, dL/dh into dhPrev, dL/dc into
    /// dcPrev (all zero on entry) and the parameter gradients into gradients.
    /// </summary>
    private void CellBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
    {
        switch (p.Cell)
        {
            case CellKind.Rnn: RnnBackward(p, r, dh, dx, dhPrev, gradients); break;
            case CellKind.Lstm: LstmBackward(p, r, dh, dc, dx, dhPrev, dcPrev, gradients); break;
            case CellKind.LstmNoForgetGate: LstmNoForgetGateBackward(p, r, dh, dc, dx, dhPrev, dcPrev, gradients); break;
            case CellKind.PeepholeLstm: PeepholeLstmBackward(p, r, dh, dc, dx, dhPrev, dcPrev, gradients); break;
            case CellKind.Gru: GruBackward(p, r, dh, dx, dhPrev, gradients); break;
            case CellKind.GruResetBefore: GruResetBeforeBackward(p, r, dh, dx, dhPrev, gradients); break;
            default: throw new NotSupportedException($"Cell {p.Cell} is not supported.");
        }
    }

    // =============================================================================================================
    // Shared by the cells: a[G*H] = (W_ih x + b_ih) + (W_hh h + b_hh), and its backward.
    // =============================================================================================================

    /// <summary>Writes ax = W_ih x + b_ih and ah = W_hh h + b_hh (all G*H rows) and returns their sum in ax.</summary>
    private Span<double> Preactivations(LayerParameters p, LayerRecord r)
    {
        int gh = p.Gates * p.Hidden;
        Span<double> ax = _ax.AsSpan(0, gh), ah = _ah.AsSpan(0, gh);
        // ax[G*H] = W_ih[G*H, I] · x[I] + b_ih[G*H]
        Affine(p.WeightIh, p.BiasIh, 0, r.X, ax);
        // ah[G*H] = W_hh[G*H, H] · h[H] + b_hh[G*H]
        Affine(p.WeightHh, p.BiasHh, 0, r.HPrev, ah);
        // a[G*H] = ax + ah
        for (int k = 0; k < gh; k++)
        {
            ax[k] += ah[k];
        }

        return ax;
    }

    /// <summary>The backward of <see cref="Preactivations"/> for da = dL/da (the same for both products).</summary>
    private void PreactivationsBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> da, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
    {
        // dW_ih[G*H, I] += da ⊗ x;  db_ih[G*H] += da;  dx[I] += W_ihᵀ · da
        AffineBackward(p.WeightIh, p.BiasIh, 0, r.X, da, dx, gradients);
        // dW_hh[G*H, H] += da ⊗ h;  db_hh[G*H] += da;  dh[H] += W_hhᵀ · da
        AffineBackward(p.WeightHh, p.BiasHh, 0, r.HPrev, da, dhPrev, gradients);
    }

    // =============================================================================================================
    // RNN (one block): h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
    // =============================================================================================================

    private void RnnForward(LayerParameters p, LayerRecord r)
    {
        // a[H] = W_ih[H, I] · x[I] + b_ih[H] + W_hh[H, H] · h[H] + b_hh[H]
        Span<double> a = Preactivations(p, r);
        for (int n = 0; n < p.Hidden; n++)
        {
            // h'[H] = tanh(a)
            r.H[n] = r.Gates[n] = Math.Tanh(a[n]);
        }
    }

    private void RnnBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
    {
        Span<double> da = _dax.AsSpan(0, p.Hidden);
        for (int n = 0; n < p.Hidden; n++)
        {
            // da[H] = dh' * (1 - h'^2)
            da[n] = dh[n] * (1 - r.H[n] * r.H[n]);
        }

        // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[H]
        PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
    }

    // =============================================================================================================
    // LSTM (gates i, f, g, o): c' = σ(a_f) c + σ(a_i) tanh(a_g);  h' = σ(a_o) tanh(c')
    // =============================================================================================================

    private void LstmForward(LayerParameters p, LayerRecord r)
    {
        int hs = p.Hidden;
        // a[4H] = W_ih[4H, I] · x[I] + b_ih[4H] + W_hh[4H, H] · h[H] + b_hh[4H]
        Span<double> a = Preactivations(p, r);
        for (int n = 0; n < hs; n++)
        {
            // i, f, o[H] = σ(a_i, a_f, a_o);  g[H] = tanh(a_g)
            double i = Sigmoid(a[n]), f = Sigmoid(a[hs + n]), g = Math.Tanh(a[2 * hs + n]), o = Sigmoid(a[3 * hs + n]);
            // c'[H] = f * c + i * g
            double c = f * r.CPrev[n] + i * g;
            // h'[H] = o * tanh(c')
            r.H[n] = o * Math.Tanh(c);
            r.C[n] = c;
            r.Gates[n] = i;
            r.Gates[hs + n] = f;
            r.Gates[2 * hs + n] = g;
            r.Gates[3 * hs + n] = o;
        }
    }

    private void LstmBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
    {
        int hs = p.Hidden;
        Span<double> da = _dax.AsSpan(0, 4 * hs);
        for (int n = 0; n < hs; n++)
        {
            double i = r.Gates[n], f = r.Gates[hs + n], g = r.Gates[2 * hs + n], o = r.Gates[3 * hs + n];
            double tc = Math.Tanh(r.C[n]);
            // dc'[H] = dc' + dh' * o * (1 - tanh(c')^2)      (through h' = o * tanh(c'))
            double dcn = dc[n] + dh[n] * o * (1 - tc * tc);
            // da_i[H] = dc' * g * i(1 - i);  da_f[H] = dc' * c * f(1 - f);  da_g[H] = dc' * i * (1 - g^2)
            da[n] = dcn * g * i * (1 - i);
            da[hs + n] = dcn * r.CPrev[n] * f * (1 - f);
            da[2 * hs + n] = dcn * i * (1 - g * g);
            // da_o[H] = dh' * tanh(c') * o(1 - o)
            da[3 * hs + n] = dh[n] * tc * o * (1 - o);
            // dc[H] = dc' * f
            dcPrev[n] = dcn * f;
        }

        // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[4H]
        PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
    }

    // =============================================================================================================
    // LSTM without forget gate (1997; gates i, g, o): c' = c + σ(a_i) tanh(a_g);  h' = σ(a_o) tanh(c')
    // =============================================================================================================

    private void LstmNoForgetGateForward(LayerParameters p, LayerRecord r)
    {
        int hs = p.Hidden;
        // a[3H] = W_ih[3H, I] · x[I] + b_ih[3H] + W_hh[3H, H] · h[H] + b_hh[3H]
        Span<double> a = Preactivations(p, r);
        for (int n = 0; n < hs; n++)
        {
            // i, o[H] = σ(a_i, a_o);  g[H] = tanh(a_g)
            double i = Sigmoid(a[n]), g = Math.Tanh(a[hs + n]), o = Sigmoid(a[2 * hs + n]);
            // c'[H] = c + i * g
            double c = r.CPrev[n] + i * g;
            // h'[H] = o * tanh(c')
            r.H[n] = o * Math.Tanh(c);
            r.C[n] = c;
            r.Gates[n] = i;
            r.Gates[hs + n] = g;
            r.Gates[2 * hs + n] = o;
        }
    }

    private void LstmNoForgetGateBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
    {
        int hs = p.Hidden;
        Span<double> da = _dax.AsSpan(0, 3 * hs);
        for (int n = 0; n < hs; n++)
        {
            double i = r.Gates[n], g = r.Gates[hs + n], o = r.Gates[2 * hs + n];
            double tc = Math.Tanh(r.C[n]);
            // dc'[H] = dc' + dh' * o * (1 - tanh(c')^2)
            double dcn = dc[n] + dh[n] * o * (1 - tc * tc);
            // da_i[H] = dc' * g * i(1 - i);  da_g[H] = dc' * i * (1 - g^2);  da_o[H] = dh' * tanh(c') * o(1 - o)
            da[n] = dcn * g * i * (1 - i);
            da[hs + n] = dcn * i * (1 - g * g);
            da[2 * hs + n] = dh[n] * tc * o * (1 - o);
            // dc[H] = dc'
            dcPrev[n] = dcn;
        }

        // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[3H]
        PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
    }

    // =============================================================================================================
    // Peephole LSTM (gates i, f, g, o; diagonal peepholes p_i, p_f on c and p_o on c'):
    // i = σ(a_i + p_i c), f = σ(a_f + p_f c), c' = f c + i tanh(a_g), o = σ(a_o + p_o c'), h' = o tanh(c')
    // =============================================================================================================

    private void PeepholeLstmForward(LayerParameters p, LayerRecord r)
    {
        int hs = p.Hidden;
        double[] w = Parameters;
        // a[4H] = W_ih[4H, I] · x[I] + b_ih[4H] + W_hh[4H, H] · h[H] + b_hh[4H]
        Span<double> a = Preactivations(p, r);
        for (int n = 0; n < hs; n++)
        {
            double cPrev = r.CPrev[n];
            // i[H] = σ(a_i + p_i * c);  f[H] = σ(a_f + p_f * c);  g[H] = tanh(a_g)
            double i = Sigmoid(a[n] + w[p.PeepholeI + n] * cPrev);
            double f = Sigmoid(a[hs + n] + w[p.PeepholeF + n] * cPrev);
            double g = Math.Tanh(a[2 * hs + n]);
            // c'[H] = f * c + i * g
            double c = f * cPrev + i * g;
            // o[H] = σ(a_o + p_o * c')
            double o = Sigmoid(a[3 * hs + n] + w[p.PeepholeO + n] * c);
            // h'[H] = o * tanh(c')
            r.H[n] = o * Math.Tanh(c);
            r.C[n] = c;
            r.Gates[n] = i;
            r.Gates[hs + n] = f;
            r.Gates[2 * hs + n] = g;
            r.Gates[3 * hs + n] = o;
        }
    }

    private void PeepholeLstmBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, Span<double> dx, Span<double> dhPrev, Span<double> dcPrev, Span<double> gradients)
    {
        int hs = p.Hidden;
        double[] w = Parameters;
        Span<double> da = _dax.AsSpan(0, 4 * hs);
        for (int n = 0; n < hs; n++)
        {
            double i = r.Gates[n], f = r.Gates[hs + n], g = r.Gates[2 * hs + n], o = r.Gates[3 * hs + n];
            double cPrev = r.CPrev[n], c = r.C[n], tc = Math.Tanh(c);
            // da_o[H] = dh' * tanh(c') * o(1 - o);  dp_o[H] += da_o * c'
            double dao = dh[n] * tc * o * (1 - o);
            gradients[p.PeepholeO + n] += dao * c;
            // dc'[H] = dc' + dh' * o * (1 - tanh(c')^2) + da_o * p_o      (c' feeds h' and o)
            double dcn = dc[n] + dh[n] * o * (1 - tc * tc) + dao * w[p.PeepholeO + n];
            // da_i[H] = dc' * g * i(1 - i);  da_f[H] = dc' * c * f(1 - f);  da_g[H] = dc' * i * (1 - g^2)
            double dai = dcn * g * i * (1 - i);
            double daf = dcn * cPrev * f * (1 - f);
            da[n] = dai;
            da[hs + n] = daf;
            da[2 * hs + n] = dcn * i * (1 - g * g);
            da[3 * hs + n] = dao;
            // dp_i[H] += da_i * c;  dp_f[H] += da_f * c
            gradients[p.PeepholeI + n] += dai * cPrev;
            gradients[p.PeepholeF + n] += daf * cPrev;
            // dc[H] = dc' * f + da_i * p_i + da_f * p_f      (c feeds c', i and f)
            dcPrev[n] = dcn * f + dai * w[p.PeepholeI + n] + daf * w[p.PeepholeF + n];
        }

        // dx[I], dh[H], dW_ih, dW_hh, db_ih, db_hh  <-  da[4H]
        PreactivationsBackward(p, r, da, dx, dhPrev, gradients);
    }

    // =============================================================================================================
    // GRU, reset after the recurrent product (PyTorch; gates r, z, n):
    // r = σ(ax_r + ah_r), z = σ(ax_z + ah_z), n = tanh(ax_n + r (W_hn h + b_hn)), h' = (1 - z) n + z h
    // =============================================================================================================

    private void GruForward(LayerParameters p, LayerRecord r)
    {
        int hs = p.Hidden;
        Span<double> ax = _ax.AsSpan(0, 3 * hs), ah = _ah.AsSpan(0, 3 * hs);
        // ax[3H] = W_ih[3H, I] · x[I] + b_ih[3H]
        Affine(p.WeightIh, p.BiasIh, 0, r.X, ax);
        // ah[3H] = W_hh[3H, H] · h[H] + b_hh[3H]
        Affine(p.WeightHh, p.BiasHh, 0, r.HPrev, ah);
        for (int n = 0; n < hs; n++)
        {
            // rg, z[H] = σ(ax_r + ah_r), σ(ax_z + ah_z)
            double rg = Sigmoid(ax[n] + ah[n]), z = Sigmoid(ax[hs + n] + ah[hs + n]);
            // nn[H] = tanh(ax_n + rg * ah_n)
            double nn = Math.Tanh(ax[2 * hs + n] + rg * ah[2 * hs + n]);
            // h'[H] = (1 - z) * nn + z * h
            r.H[n] = (1 - z) * nn + z * r.HPrev[n];
            r.HiddenN[n] = ah[2 * hs + n];
            r.Gates[n] = rg;
            r.Gates[hs + n] = z;
            r.Gates[2 * hs + n] = nn;
        }
    }

    private void GruBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
    {
        int hs = p.Hidden;
        Span<double> dax = _dax.AsSpan(0, 3 * hs), dah = _dah.AsSpan(0, 3 * hs);
        for (int n = 0; n < hs; n++)
        {
            double rg = r.Gates[n], z = r.Gates[hs + n], nn = r.Gates[2 * hs + n], hPrev = r.HPrev[n];
            // dnn[H] = dh' * (1 - z);  dz[H] = dh' * (h - nn);  dh[H] += dh' * z
            double dnn = dh[n] * (1 - z);
            double dz = dh[n] * (hPrev - nn);
            dhPrev[n] += dh[n] * z;
            // dax_n[H] = dnn * (1 - nn^2);  dah_n[H] = dax_n * rg;  drg[H] = dax_n * ah_n
            double dan = dnn * (1 - nn * nn);
            double drg = dan * r.HiddenN[n];
            // dax_r = dah_r = drg * rg(1 - rg);  dax_z = dah_z = dz * z(1 - z)
            dax[n] = dah[n] = drg * rg * (1 - rg);
            dax[hs + n] = dah[hs + n] = dz * z * (1 - z);
            dax[2 * hs + n] = dan;
            dah[2 * hs + n] = dan * rg;
        }

        // dW_ih[3H, I] += dax ⊗ x;  db_ih[3H] += dax;  dx[I] += W_ihᵀ · dax
        AffineBackward(p.WeightIh, p.BiasIh, 0, r.X, dax, dx, gradients);
        // dW_hh[3H, H] += dah ⊗ h;  db_hh[3H] += dah;  dh[H] += W_hhᵀ · dah
        AffineBackward(p.WeightHh, p.BiasHh, 0, r.HPrev, dah, dhPrev, gradients);
    }

    // =============================================================================================================
    // GRU, reset before the recurrent product (Cho et al. 2014; gates r, z, n):
    // r, z as above, n = tanh(ax_n + W_hn (r h) + b_hn), h' = (1 - z) n + z h
    // =============================================================================================================

    private void GruResetBeforeForward(LayerParameters p, LayerRecord r)
    {
        int hs = p.Hidden;
        Span<double> ax = _ax.AsSpan(0, 3 * hs), ah = _ah.AsSpan(0, 3 * hs);
        // ax[3H] = W_ih[3H, I] · x[I] + b_ih[3H]
        Affine(p.WeightIh, p.BiasIh, 0, r.X, ax);
        // ah_rz[2H] = W_hh[0:2H, H] · h[H] + b_hh[0:2H]
        Affine(p.WeightHh, p.BiasHh, 0, r.HPrev, ah[..(2 * hs)]);
        for (int n = 0; n < hs; n++)
        {
            // rg, z[H] = σ(ax_r + ah_r), σ(ax_z + ah_z)
            double rg = Sigmoid(ax[n] + ah[n]), z = Sigmoid(ax[hs + n] + ah[hs + n]);
            r.Gates[n] = rg;
            r.Gates[hs + n] = z;
            // rh[H] = rg * h
            r.HiddenN[n] = rg * r.HPrev[n];
        }

        // ah_n[H] = W_hh[2H:3H, H] · rh[H] + b_hh[2H:3H]
        Affine(p.WeightHh, p.BiasHh, 2 * hs, r.HiddenN, ah[(2 * hs)..]);
        for (int n = 0; n < hs; n++)
        {
            double z = r.Gates[hs + n];
            // nn[H] = tanh(ax_n + ah_n)
            double nn = Math.Tanh(ax[2 * hs + n] + ah[2 * hs + n]);
            // h'[H] = (1 - z) * nn + z * h
            r.H[n] = (1 - z) * nn + z * r.HPrev[n];
            r.Gates[2 * hs + n] = nn;
        }
    }

    private void GruResetBeforeBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> dh, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
    {
        int hs = p.Hidden;
        Span<double> dax = _dax.AsSpan(0, 3 * hs), dah = _dah.AsSpan(0, 3 * hs), drh = _drh.AsSpan(0, hs);
        for (int n = 0; n < hs; n++)
        {
            double z = r.Gates[hs + n], nn = r.Gates[2 * hs + n];
            // dnn[H] = dh' * (1 - z);  dh[H] += dh' * z
            double dnn = dh[n] * (1 - z);
            dhPrev[n] += dh[n] * z;
            // dax_n[H] = dah_n[H] = dnn * (1 - nn^2)
            dax[2 * hs + n] = dah[2 * hs + n] = dnn * (1 - nn * nn);
        }

        // dW_hh[2H:3H, H] += dah_n ⊗ rh;  db_hh[2H:3H] += dah_n;  drh[H] = W_hh[2H:3H, H]ᵀ · dah_n
        drh.Clear();
        AffineBackward(p.WeightHh, p.BiasHh, 2 * hs, r.HiddenN, dah[(2 * hs)..], drh, gradients);
        for (int n = 0; n < hs; n++)
        {
            double rg = r.Gates[n], z = r.Gates[hs + n], nn = r.Gates[2 * hs + n], hPrev = r.HPrev[n];
            // drg[H] = drh * h;  dh[H] += drh * rg      (rh = rg * h)
            double drg = drh[n] * hPrev;
            dhPrev[n] += drh[n] * rg;
            // dz[H] = dh' * (h - nn)
            double dz = dh[n] * (hPrev - nn);
            // dax_r = dah_r = drg * rg(1 - rg);  dax_z = dah_z = dz * z(1 - z)
            dax[n] = dah[n] = drg * rg * (1 - rg);
            dax[hs + n] = dah[hs + n] = dz * z * (1 - z);
        }

        // dW_ih[3H, I] += dax ⊗ x;  db_ih[3H] += dax;  dx[I] += W_ihᵀ · dax
        AffineBackward(p.WeightIh, p.BiasIh, 0, r.X, dax, dx, gradients);
        // dW_hh[0:2H, H] += dah_rz ⊗ h;  db_hh[0:2H] += dah_rz;  dh[H] += W_hh[0:2H, H]ᵀ · dah_rz
        AffineBackward(p.WeightHh, p.BiasHh, 0, r.HPrev, dah[..(2 * hs)], dhPrev, gradients);
    }

    // =============================================================================================================
    // Dense head: z = W h + b, y = F(z) with F one of Identity, Tanh, Sigmoid, Softmax (over the step's outputs).
    // =============================================================================================================

    private void HeadForward(ReadOnlySpan<double> h, Span<double> z, Span<double> y)
    {
        // z[C] = W[C, H] · h[H] + b[C]
        Affine(_headWeight!, _headBias, 0, h, z);
        switch (Description.HeadActivation)
        {
            case Activation.Identity:
                // y[C] = z
                z.CopyTo(y);
                break;
            case Activation.Tanh:
                // y[C] = tanh(z)
                for (int k = 0; k < z.Length; k++)
                {
                    y[k] = Math.Tanh(z[k]);
                }

                break;
            case Activation.Sigmoid:
                // y[C] = σ(z)
                for (int k = 0; k < z.Length; k++)
                {
                    y[k] = Sigmoid(z[k]);
                }

                break;
            case Activation.Softmax:
                // y[C] = exp(z - max z) / Σ exp(z - max z)
                double max = double.NegativeInfinity, sum = 0;
                for (int k = 0; k < z.Length; k++)
                {
                    max = Math.Max(max, z[k]);
                }

                for (int k = 0; k < z.Length; k++)
                {
                    y[k] = Math.Exp(z[k] - max);
                    sum += y[k];
                }

                for (int k = 0; k < z.Length; k++)
                {
                    y[k] /= sum;
                }

                break;
            default:
                throw new NotSupportedException($"Head activation {Description.HeadActivation} is not supported.");
        }
    }

    /// <summary>From dy (or dz when <paramref name="fromLogits"/>): adds the head's gradients and dL/dh into dh.</summary>
    private void HeadBackward(StepRecord record, ReadOnlySpan<double> dy, bool fromLogits, Span<double> dh, Span<double> gradients)
    {
        double[] y = record.Outputs;
        var dz = new double[y.Length];
        switch (fromLogits ? Activation.Identity : Description.HeadActivation)
        {
            case Activation.Identity:
                // dz[C] = dy
                dy.CopyTo(dz);
                break;
            case Activation.Tanh:
                // dz[C] = dy * (1 - y^2)
                for (int k = 0; k < dz.Length; k++)
                {
                    dz[k] = dy[k] * (1 - y[k] * y[k]);
                }

                break;
            case Activation.Sigmoid:
                // dz[C] = dy * y(1 - y)
                for (int k = 0; k < dz.Length; k++)
                {
                    dz[k] = dy[k] * y[k] * (1 - y[k]);
                }

                break;
            case Activation.Softmax:
                // dz[C] = y * (dy - Σ_j y_j dy_j)
                double dot = 0;
                for (int k = 0; k < dz.Length; k++)
                {
                    dot += y[k] * dy[k];
                }

                for (int k = 0; k < dz.Length; k++)
                {
                    dz[k] = y[k] * (dy[k] - dot);
                }

                break;
            default:
                throw new NotSupportedException($"Head activation {Description.HeadActivation} is not supported.");
        }

        // dW[C, H] += dz ⊗ h;  db[C] += dz;  dh[H] += Wᵀ · dz
        AffineBackward(_headWeight!, _headBias, 0, record.Layers[^1].H, dz, dh, gradients);
    }

    // =============================================================================================================
    // Building blocks: y = W[rows] x + b[rows] and its backward, on the flat parameter and gradient buffers.
    // =============================================================================================================

    /// <summary>y[n] = W[row0 + n, :] · x + b[row0 + n] for n &lt; y.Length.</summary>
    private void Affine(Matrix w, int bias, int row0, ReadOnlySpan<double> x, Span<double> y)
    {
        double[] p = Parameters;
        for (int n = 0; n < y.Length; n++)
        {
            y[n] = p[bias + row0 + n];
        }

        // Column by column: contiguous in the transposed layout generated code uses.
        for (int c = 0; c < x.Length; c++)
        {
            for (int n = 0; n < y.Length; n++)
            {
                y[n] += p[w.At(row0 + n, c)] * x[c];
            }
        }
    }

    /// <summary>dW[row0 + n, c] += dy[n] x[c];  db[row0 + n] += dy[n];  dx[c] += Σ_n W[row0 + n, c] dy[n].</summary>
    private void AffineBackward(Matrix w, int bias, int row0, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> gradients)
    {
        double[] p = Parameters;
        for (int n = 0; n < dy.Length; n++)
        {
            gradients[bias + row0 + n] += dy[n];
        }

        for (int c = 0; c < x.Length; c++)
        {
            for (int n = 0; n < dy.Length; n++)
            {
                int at = w.At(row0 + n, c);
                gradients[at] += dy[n] * x[c];
                dx[c] += p[at] * dy[n];
            }
        }
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static ParameterTensor Require(ModelDescription description, string name, params int[] shape)
    {
        ParameterTensor t = description.Find(name)
            ?? throw new ArgumentException($"{description.Name} has no tensor '{name}'.", nameof(description));
        if (!t.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException($"Tensor '{name}' of {description.Name} has shape {t.ShapeText}, expected [{string.Join(", ", shape)}].", nameof(description));
        }

        return t;
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {actual}.", name);
        }
    }

    private void CheckTrace(ReferenceTrace trace, string name, bool recorded)
    {
        if (trace.Model != this)
        {
            throw new ArgumentException("This trace belongs to another ReferenceModel.", name);
        }

        if (recorded && trace.Steps == 0)
        {
            throw new ArgumentException("The trace holds no forward pass: call Forward with it first.", name);
        }
    }

    /// <summary>Where a matrix tensor's element [r, c] (PyTorch indices) lives in the flat buffer.</summary>
    private sealed class Matrix
    {
        private readonly int[] _index;
        private readonly int _columns;

        private Matrix(int[] index, int columns)
        {
            _index = index;
            _columns = columns;
        }

        public static Matrix Of(ParameterTensor t)
        {
            // Every element's place read off FlatIndex once, so any layout the description chooses is followed.
            var index = new int[t.Length];
            for (int i = 0; i < index.Length; i++)
            {
                index[i] = t.FlatIndex(i);
            }

            return new Matrix(index, t.Shape[1]);
        }

        public int At(int r, int c) => _index[r * _columns + c];
    }

    /// <summary>Where one layer's tensors live.</summary>
    private sealed class LayerParameters
    {
        public LayerParameters(ModelDescription description, int l)
        {
            LayerDescription layer = description.Layers[l];
            Cell = layer.Cell;
            Input = layer.InputSize;
            Hidden = layer.HiddenSize;
            Gates = layer.GateCount;
            HasCellState = layer.HasCellState;
            StateOffset = layer.StateOffset;
            int gh = Gates * Hidden;
            WeightIh = Matrix.Of(Require(description, $"weight_ih_l{l}", gh, Input));
            WeightHh = Matrix.Of(Require(description, $"weight_hh_l{l}", gh, Hidden));
            BiasIh = Require(description, $"bias_ih_l{l}", gh).Offset;
            BiasHh = Require(description, $"bias_hh_l{l}", gh).Offset;
            if (Cell == CellKind.PeepholeLstm)
            {
                PeepholeI = Require(description, $"peephole_i_l{l}", Hidden).Offset;
                PeepholeF = Require(description, $"peephole_f_l{l}", Hidden).Offset;
                PeepholeO = Require(description, $"peephole_o_l{l}", Hidden).Offset;
            }
        }

        public CellKind Cell { get; }

        public int Input { get; }

        public int Hidden { get; }

        public int Gates { get; }

        public bool HasCellState { get; }

        public int StateOffset { get; }

        public Matrix WeightIh { get; }

        public Matrix WeightHh { get; }

        public int BiasIh { get; }

        public int BiasHh { get; }

        public int PeepholeI { get; } = -1;

        public int PeepholeF { get; } = -1;

        public int PeepholeO { get; } = -1;
    }
}
