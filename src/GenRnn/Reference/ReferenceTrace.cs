namespace GenRnn.Reference;

/// <summary>
/// What a <see cref="ReferenceModel"/> forward pass records for its backward pass: for every step and layer the
/// layer's input, previous state, gate activations and new state, and the head's logits and outputs. Create one with
/// <see cref="ReferenceModel.CreateTrace"/> and reuse it; it only allocates for steps it has not held before.
/// </summary>
public sealed class ReferenceTrace
{
    private readonly List<StepRecord> _records = [];
    private int[] _tokens = [];

    internal ReferenceTrace(ReferenceModel model)
    {
        Model = model;
    }

    /// <summary>Steps recorded by the last forward pass; 0 before any.</summary>
    public int Steps { get; private set; }

    /// <summary>Whether the last forward pass took token ids.</summary>
    public bool HasTokens { get; private set; }

    internal ReferenceModel Model { get; }

    /// <summary>The token ids of the last forward pass when <see cref="HasTokens"/>, else empty.</summary>
    public ReadOnlySpan<int> Tokens => HasTokens ? _tokens.AsSpan(0, Steps) : default;

    /// <summary>The head's pre-activations W h + b at <paramref name="step"/> (empty without a head).</summary>
    public ReadOnlySpan<double> Logits(int step) => Record(step).Logits;

    /// <summary>The hidden state h that <paramref name="layer"/> computed at <paramref name="step"/>.</summary>
    public ReadOnlySpan<double> Hidden(int step, int layer) => Record(step).Layers[layer].H;

    internal StepRecord Record(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, Steps);
        return _records[step];
    }

    /// <summary>Starts recording <paramref name="steps"/> steps; records are reused from earlier passes.</summary>
    internal void Begin(int steps, ReadOnlySpan<int> tokens)
    {
        while (_records.Count < steps)
        {
            _records.Add(new StepRecord(Model.Description));
        }

        if (_tokens.Length < tokens.Length)
        {
            _tokens = new int[tokens.Length];
        }

        tokens.CopyTo(_tokens);
        HasTokens = !tokens.IsEmpty;
        Steps = steps;
    }
}

/// <summary>What the forward pass computed at one step.</summary>
internal sealed class StepRecord
{
    public StepRecord(ModelDescription description)
    {
        Layers = new LayerRecord[description.Layers.Count];
        for (int l = 0; l < Layers.Length; l++)
        {
            Layers[l] = new LayerRecord(description.Layers[l]);
        }

        Logits = new double[description.HeadOutputs];
        Outputs = new double[description.HeadOutputs];
    }

    /// <summary>Per layer, bottom first.</summary>
    public LayerRecord[] Layers { get; }

    /// <summary>[C] the head's pre-activations z = W h + b (empty without a head).</summary>
    public double[] Logits { get; }

    /// <summary>[C] the head's outputs F(z) (empty without a head).</summary>
    public double[] Outputs { get; }
}

/// <summary>What one layer computed at one step.</summary>
internal sealed class LayerRecord
{
    public LayerRecord(LayerDescription layer)
    {
        int h = layer.HiddenSize;
        bool gru = layer.Family.RecurrentApart; // the GRUs keep W_hn h + b_hn (or r ⊙ h) apart, MUT r ⊙ h
        X = new double[layer.InputSize];
        HPrev = new double[h];
        CPrev = layer.HasCellState ? new double[h] : [];
        Gates = new double[layer.GateCount * h];
        HiddenN = gru ? new double[h] : [];
        C = layer.HasCellState ? new double[h] : [];
        H = new double[h];
    }

    /// <summary>[I] the layer's input: the step's input, or the hidden state of the layer below.</summary>
    public double[] X { get; }

    /// <summary>[H] the hidden state before the step.</summary>
    public double[] HPrev { get; }

    /// <summary>[H] the cell state before the step (LSTMs).</summary>
    public double[] CPrev { get; }

    /// <summary>[G*H] the activated gates in PyTorch's order (i,f,g,o / i,g,o / r,z,n / h; MUT z, r, n).</summary>
    public double[] Gates { get; }

    /// <summary>
    /// [H] GRUs: the recurrent input of the candidate, W_hn h + b_hn (reset after), or r ⊙ h (reset before); MUT: r ⊙ h.
    /// </summary>
    public double[] HiddenN { get; }

    /// <summary>[H] the new cell state (LSTMs).</summary>
    public double[] C { get; }

    /// <summary>[H] the new hidden state.</summary>
    public double[] H { get; }
}
