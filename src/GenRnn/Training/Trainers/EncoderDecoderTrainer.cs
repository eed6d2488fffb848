namespace GenRnn.Training;

/// <summary>A source sequence and the target tokens an encoder-decoder pair should emit for it.</summary>
/// <param name="Source">The encoder's input: token ids.</param>
/// <param name="Target">The tokens the decoder should emit, one per decoder step.</param>
public sealed record TranslationPair(int[] Source, int[] Target);

/// <summary>
/// Trains an encoder and a decoder together (sequence to sequence): the encoder's final state starts the decoder,
/// which is trained with teacher forcing (the previous target token as its next input, <see cref="StartToken"/>
/// first) under softmax cross-entropy; the decoder's gradient with respect to its initial state flows back through
/// the encoder. Both models must have the same state layout.
/// </summary>
public sealed class EncoderDecoderTrainer<TEncoder, TDecoder>
    where TEncoder : class, IRecurrentModel<TEncoder>
    where TDecoder : class, IRecurrentModel<TDecoder>
{
    private readonly float[] _encoderState = new float[TEncoder.StateSize];
    private readonly float[] _decoderState = new float[TDecoder.StateSize];
    private readonly float[] _stateGradient = new float[TDecoder.StateSize];
    private readonly Trace _encoderTrace;
    private readonly Trace _decoderTrace;
    private readonly UpdateGuard _guard;
    private long _updates;
    private float[] _encoderOutputBuffer = [];
    private float[] _outputs = [];
    private float[] _logitGradients = [];
    private int[] _decoderInputs = [];

    /// <summary>
    /// Creates the trainer. A model whose parameters are all zero, as <c>TModel.Create()</c> leaves them, is filled with
    /// <see cref="ParameterInitializer.Recommended"/> (the encoder seeded by <paramref name="seed"/>, the decoder by
    /// <paramref name="seed"/> + 1) unless <paramref name="initializeZeroParameters"/> is false; a model with any
    /// non-zero parameter is never touched (see <see cref="TrainerOptions.InitializeZeroParameters"/>).
    /// </summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="decoder">The decoder; its state layout must be the encoder's.</param>
    /// <param name="encoderOptimizer">Updates the encoder.</param>
    /// <param name="decoderOptimizer">Updates the decoder.</param>
    /// <param name="startToken">The decoder's first input token.</param>
    /// <param name="clip">Clipping over both models' gradients together.</param>
    /// <param name="seed">Seed of the initialisation of an all-zero encoder (decoder: seed + 1).</param>
    /// <param name="initializeZeroParameters">Whether an all-zero model is initialised; false trains it from zero.</param>
    /// <exception cref="ArgumentException">
    /// The models' state layouts differ, an optimizer has another parameter count, the start token is outside the
    /// decoder's vocabulary, the decoder's head does not give logits or probabilities, or <paramref name="clip"/> has
    /// an undefined mode or a threshold that is not positive. Nothing is modified when it throws.
    /// </exception>
    public EncoderDecoderTrainer(TEncoder encoder, TDecoder decoder, IOptimizer encoderOptimizer, IOptimizer decoderOptimizer, int startToken, GradientClip clip = default, int seed = 1, bool initializeZeroParameters = true)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(encoderOptimizer);
        ArgumentNullException.ThrowIfNull(decoderOptimizer);
        clip.Validate(nameof(clip));
        if (TEncoder.StateSize != TDecoder.StateSize || TEncoder.LayerCount != TDecoder.LayerCount)
        {
            throw new ArgumentException($"The encoder's state ({TEncoder.StateSize} floats, {TEncoder.LayerCount} layers) must have the decoder's layout ({TDecoder.StateSize}, {TDecoder.LayerCount}).", nameof(decoder));
        }

        if (encoderOptimizer.ParameterCount != TEncoder.ParameterCount) throw new ArgumentException("The encoder optimizer has the wrong parameter count.", nameof(encoderOptimizer));
        if (decoderOptimizer.ParameterCount != TDecoder.ParameterCount) throw new ArgumentException("The decoder optimizer has the wrong parameter count.", nameof(decoderOptimizer));
        if ((uint)startToken >= TDecoder.VocabularySize) throw new ArgumentOutOfRangeException(nameof(startToken), startToken, "The start token is outside the decoder's vocabulary.");
        if (TDecoder.Description.HeadActivation is not (Activation.Identity or Activation.Softmax)) throw new ArgumentException("The decoder's head must give logits (Identity) or probabilities (Softmax).", nameof(decoder));
        Encoder = encoder;
        Decoder = decoder;
        EncoderOptimizer = encoderOptimizer;
        DecoderOptimizer = decoderOptimizer;
        StartToken = startToken;
        Clip = clip;
        _encoderTrace = encoder.CreateTrace(16);
        _decoderTrace = decoder.CreateTrace(16);
        _guard = new UpdateGuard(clip, (encoder.Parameters, encoder.Gradients, encoderOptimizer), (decoder.Parameters, decoder.Gradients, decoderOptimizer));
        InitializedEncoder = initializeZeroParameters && ParameterInitializer.RecommendedIfAllZero(TEncoder.Description, encoder.Parameters, seed);
        InitializedDecoder = initializeZeroParameters && ParameterInitializer.RecommendedIfAllZero(TDecoder.Description, decoder.Parameters, unchecked(seed + 1));
    }

    /// <summary>Whether the constructor found the encoder's parameters all zero and initialised them.</summary>
    public bool InitializedEncoder { get; }

    /// <summary>Whether the constructor found the decoder's parameters all zero and initialised them.</summary>
    public bool InitializedDecoder { get; }

    /// <summary>The encoder.</summary>
    public TEncoder Encoder { get; }

    /// <summary>The decoder.</summary>
    public TDecoder Decoder { get; }

    /// <summary>The encoder's optimizer.</summary>
    public IOptimizer EncoderOptimizer { get; }

    /// <summary>The decoder's optimizer.</summary>
    public IOptimizer DecoderOptimizer { get; }

    /// <summary>The decoder's first input token.</summary>
    public int StartToken { get; }

    /// <summary>Clipping over both models' gradients together.</summary>
    public GradientClip Clip { get; }

    /// <summary>One update on a batch; returns the batch loss (mean over pairs of the mean cross-entropy per target token).</summary>
    public double TrainBatch(IReadOnlyList<TranslationPair> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) throw new ArgumentException("The batch is empty.", nameof(batch));
        for (int i = 0; i < batch.Count; i++) Validate(batch[i], i, nameof(batch));

        Encoder.ZeroGradients();
        Decoder.ZeroGradients();
        double loss = 0;
        float scale = 1f / batch.Count;
        foreach (TranslationPair pair in batch)
        {
            int steps = pair.Target.Length;
            Reserve(pair.Source.Length, steps);

            Array.Clear(_encoderState);
            Span<float> encoderOutputs = _encoderOutputBuffer.AsSpan(0, pair.Source.Length * TEncoder.OutputSize);
            Encoder.Forward(pair.Source, _encoderState, encoderOutputs, _encoderTrace);

            _encoderState.CopyTo(_decoderState, 0);
            _decoderInputs[0] = StartToken;
            pair.Target.AsSpan(0, steps - 1).CopyTo(_decoderInputs.AsSpan(1));
            Span<float> outputs = _outputs.AsSpan(0, steps * TDecoder.OutputSize);
            Decoder.Forward(_decoderInputs.AsSpan(0, steps), _decoderState, outputs, _decoderTrace);

            Span<float> gradients = _logitGradients.AsSpan(0, outputs.Length);
            loss += CrossEntropy(outputs, pair.Target, gradients, scale);

            Array.Clear(_stateGradient);
            Decoder.BackwardFromLogits(_decoderTrace, gradients, _stateGradient, default, Decoder.Gradients);
            // The decoder's initial-state gradient is the encoder's final-state gradient.
            Encoder.Backward(_encoderTrace, default, _stateGradient, default, Encoder.Gradients);
        }

        loss /= batch.Count;
        _guard.Apply(loss, _updates + 1);
        _updates++;
        return loss;
    }

    /// <summary>Fraction of target tokens the pair reproduces with greedy decoding.</summary>
    public double Accuracy(IReadOnlyList<TranslationPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        long correct = 0, total = 0;
        var output = new float[TEncoder.OutputSize * 64];
        for (int i = 0; i < pairs.Count; i++)
        {
            Validate(pairs[i], i, nameof(pairs));
        }

        foreach (TranslationPair pair in pairs)
        {
            Array.Clear(_encoderState);
            if (output.Length < pair.Source.Length * TEncoder.OutputSize) output = new float[pair.Source.Length * TEncoder.OutputSize];
            Encoder.Forward(pair.Source, _encoderState, output.AsSpan(0, pair.Source.Length * TEncoder.OutputSize));
            var tokens = new int[pair.Target.Length];
            Decoding.Greedy(Decoder, _encoderState, StartToken, tokens);
            for (int i = 0; i < tokens.Length; i++)
            {
                correct += tokens[i] == pair.Target[i] ? 1 : 0;
            }

            total += tokens.Length;
        }

        return total == 0 ? double.NaN : (double)correct / total;
    }

    private static void Validate(TranslationPair pair, int index, string parameter)
    {
        if (pair?.Source is null || pair.Target is null || pair.Source.Length == 0 || pair.Target.Length == 0)
        {
            throw new ArgumentException($"Pair {index}: source and target must be non-empty.", parameter);
        }

        foreach (int t in pair.Source)
        {
            if ((uint)t >= TEncoder.VocabularySize) throw new ArgumentException($"Pair {index}: source token {t} is outside [0, {TEncoder.VocabularySize}).", parameter);
        }

        foreach (int t in pair.Target)
        {
            if ((uint)t >= TDecoder.OutputSize || (uint)t >= TDecoder.VocabularySize) throw new ArgumentException($"Pair {index}: target token {t} is outside the decoder's outputs and vocabulary.", parameter);
        }
    }

    private void Reserve(int sourceSteps, int targetSteps)
    {
        if (_encoderOutputBuffer.Length < sourceSteps * TEncoder.OutputSize) _encoderOutputBuffer = new float[sourceSteps * TEncoder.OutputSize];
        if (_outputs.Length < targetSteps * TDecoder.OutputSize)
        {
            _outputs = new float[targetSteps * TDecoder.OutputSize];
            _logitGradients = new float[targetSteps * TDecoder.OutputSize];
            _decoderInputs = new int[targetSteps];
        }
    }

    /// <summary>Mean cross-entropy over the steps; writes d/dlogits times scale / steps.</summary>
    private double CrossEntropy(ReadOnlySpan<float> outputs, int[] targets, Span<float> gradients, float scale)
    {
        int classes = TDecoder.OutputSize;
        bool probabilities = TDecoder.Description.HeadActivation == Activation.Softmax;
        double loss = 0;
        for (int t = 0; t < targets.Length; t++)
        {
            loss += SoftmaxCrossEntropy.StepLossAndGradient(outputs.Slice(t * classes, classes), targets[t], gradients.Slice(t * classes, classes), probabilities);
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply(gradients, scale / targets.Length, gradients);
        return loss / targets.Length;
    }
}
