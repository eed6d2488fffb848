namespace GenRnn.Training;

/// <summary>
/// One thread's workspace: runs forward, loss and BPTT for a range of a batch and adds the gradients into its own
/// buffer. Every buffer is reused; it only grows when a longer sequence or a larger batch arrives.
/// </summary>
internal sealed class SequenceWorker<TModel> where TModel : class, IRecurrentModel<TModel>
{
    private readonly TModel _model;
    private readonly TrainerOptions _options;
    private readonly Activation _head = TModel.Description.HeadActivation;
    private readonly float[] _stateGradient = new float[TModel.StateSize];
    private readonly float[] _one = new float[1];
    private Trace _trace;
    private float[] _inputs = [];
    private int[] _tokens = [];
    private float[] _outputs = [];
    private float[] _outputGradients = [];
    private float[] _carried = [];

    public SequenceWorker(TModel model, TrainerOptions options, float[] gradients)
    {
        _model = model;
        _options = options;
        Gradients = gradients;
        _trace = model.CreateTrace(16);
    }

    /// <summary>Where this worker adds its gradients.</summary>
    public float[] Gradients { get; }

    /// <summary>Sum of sequence losses of the last run.</summary>
    public double Loss { get; private set; }

    /// <summary>Target steps and correct predictions of the last evaluation.</summary>
    public (long Steps, long Correct) Hits { get; private set; }

    /// <summary>Makes room for a batch of <paramref name="sequences"/> sequences of up to <paramref name="steps"/> steps.</summary>
    public void Reserve(int sequences, int steps)
    {
        if (_outputs.Length < steps * TModel.OutputSize)
        {
            _inputs = new float[steps * TModel.InputSize];
            _tokens = new int[steps];
            _outputs = new float[steps * TModel.OutputSize];
            _outputGradients = new float[steps * TModel.OutputSize];
        }

        if (_carried.Length < sequences * TModel.StateSize)
        {
            _carried = new float[sequences * TModel.StateSize];
        }
    }

    /// <summary>
    /// Runs steps [start, start + count) of sequences [from, to) of <paramref name="batch"/>; with
    /// <paramref name="scale"/> > 0 also backward, adding scale times each sequence's loss gradient.
    /// </summary>
    public void Run(IReadOnlyList<Sample> batch, int from, int to, int start, int count, float scale, bool evaluate)
    {
        double loss = 0;
        long steps = 0, correct = 0;
        for (int i = from; i < to; i++)
        {
            Sample sample = batch[i];
            int length = SampleShape.Steps<TModel>(sample, _options.Scenario);
            if (start >= length)
            {
                continue;
            }

            int n = Math.Min(count, length - start);
            Span<float> state = _carried.AsSpan(i * TModel.StateSize, TModel.StateSize);
            if (start == 0)
            {
                state.Clear();
            }

            Span<float> outputs = _outputs.AsSpan(0, n * TModel.OutputSize);
            bool tokens = LoadInputs(sample, start, n);
            if (tokens) _model.Forward(_tokens.AsSpan(0, n), state, outputs, _trace);
            else _model.Forward(_inputs.AsSpan(0, n * TModel.InputSize), state, outputs, _trace);

            Span<float> gradients = _outputGradients.AsSpan(0, outputs.Length);
            gradients.Clear();
            double sequenceLoss = SequenceLoss(sample, length, start, n, outputs, gradients, scale, ref steps, ref correct, out bool counted);
            loss += sequenceLoss;
            if (counted && scale > 0 && !evaluate)
            {
                Array.Clear(_stateGradient);
                if (_options.Loss == LossKind.MeanSquaredError)
                {
                    _model.Backward(_trace, gradients, _stateGradient, default, Gradients);
                }
                else
                {
                    _model.BackwardFromLogits(_trace, gradients, _stateGradient, default, Gradients);
                }
            }
        }

        Loss = loss;
        Hits = (steps, correct);
    }

    /// <summary>Writes the inputs of steps [start, start + n); true when they are token ids.</summary>
    private bool LoadInputs(Sample sample, int start, int n)
    {
        bool oneToMany = _options.Scenario == Scenario.OneToMany;
        if (sample.Tokens is { } tokens)
        {
            for (int t = 0; t < n; t++)
            {
                int step = start + t;
                _tokens[t] = !oneToMany || step == 0 ? tokens[step] : sample.Classes![step - 1];
            }

            return true;
        }

        float[] inputs = sample.Inputs!;
        int size = TModel.InputSize;
        for (int t = 0; t < n; t++)
        {
            int step = start + t;
            Span<float> x = _inputs.AsSpan(t * size, size);
            if (!oneToMany || step == 0)
            {
                inputs.AsSpan(step * size, size).CopyTo(x);
            }
            else if (sample.Classes is { } classes)
            {
                // Teacher forcing with class targets: the previous target as a one-hot vector.
                x.Clear();
                x[classes[step - 1]] = 1f;
            }
            else
            {
                sample.Values!.AsSpan((step - 1) * size, size).CopyTo(x);
            }
        }

        return false;
    }

    /// <summary>The weighted mean loss over the target steps in this chunk, and its gradients times <paramref name="scale"/>.</summary>
    private double SequenceLoss(Sample sample, int length, int start, int n, Span<float> outputs, Span<float> gradients, float scale, ref long steps, ref long correct, out bool counted)
    {
        int o = TModel.OutputSize;
        bool lastOnly = _options.Scenario is Scenario.ManyToOne or Scenario.OneToOne;
        int first = lastOnly ? length - 1 : start;
        int end = start + n;
        double total = 0, sum = 0;
        for (int step = Math.Max(first, start); step < end; step++)
        {
            int target = lastOnly ? 0 : step;
            float w = sample.Weights?[target] ?? 1f;
            if (w == 0)
            {
                continue;
            }

            Span<float> g = gradients.Slice((step - start) * o, o);
            sum += w * StepLoss(sample, target, outputs.Slice((step - start) * o, o), g, ref correct);
            System.Numerics.Tensors.TensorPrimitives.Multiply(g, w, g);
            total += w;
            steps += _options.Loss == LossKind.SigmoidBinaryCrossEntropy ? o : 1;
        }

        counted = total > 0;
        if (!counted)
        {
            return 0;
        }

        // The sequence loss is a weighted mean over its target steps; rows without a target stay zero.
        System.Numerics.Tensors.TensorPrimitives.Multiply(gradients, (float)(scale / total), gradients);
        return sum / total;
    }

    /// <summary>One step's loss; writes its unscaled gradient (w.r.t. logits for the cross-entropies, outputs for MSE).</summary>
    private double StepLoss(Sample sample, int target, Span<float> y, Span<float> g, ref long correct)
    {
        int o = TModel.OutputSize;
        switch (_options.Loss)
        {
            case LossKind.SoftmaxCrossEntropy:
            {
                int c = sample.Classes![target];
                if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(y) == c) correct++;
                return SoftmaxCrossEntropy.StepLossAndGradient(y, c, g, probabilities: _head == Activation.Softmax);
            }

            case LossKind.SigmoidBinaryCrossEntropy:
            {
                ReadOnlySpan<float> t = sample.Values.AsSpan(target * o, o);
                double loss = 0;
                for (int k = 0; k < o; k++)
                {
                    bool positive = _head == Activation.Sigmoid ? y[k] >= 0.5f : y[k] >= 0f;
                    if (positive == (t[k] >= 0.5f)) correct++;
                }

                if (_head == Activation.Sigmoid)
                {
                    for (int k = 0; k < o; k++)
                    {
                        double p = Math.Clamp(y[k], 1e-7, 1 - 1e-7);
                        loss -= t[k] * Math.Log(p) + (1 - t[k]) * Math.Log(1 - p);
                        g[k] = (y[k] - t[k]) / o;
                    }

                    return loss / o;
                }

                return SigmoidBinaryCrossEntropy.LossAndGradient(y, t, g);
            }

            default:
                return MeanSquaredError.LossAndGradient(y, sample.Values.AsSpan(target * o, o), g);
        }
    }
}
