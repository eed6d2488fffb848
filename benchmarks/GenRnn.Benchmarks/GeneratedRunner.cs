namespace GenRnn.Benchmarks;

/// <summary>
/// A generated model at one (cell, size) with every buffer its benchmarks need, allocated once. The benchmark calls
/// one virtual method per invocation; inside, the model is called through <see cref="IRecurrentModel{TSelf}"/> as
/// any generic user code would (one interface dispatch, which tiered PGO usually devirtualises).
/// </summary>
public abstract class GeneratedRunner
{
    /// <summary>The model's parameters (for building the reference from the same values).</summary>
    public abstract float[] Parameters { get; }

    /// <summary>The model's gradient buffer (BPTT adds into it).</summary>
    public abstract float[] Gradients { get; }

    /// <summary>The model's description (for building the reference).</summary>
    public abstract ModelDescription Description { get; }

    /// <summary>The carried state (h, then c for LSTMs).</summary>
    public abstract float[] State { get; }

    /// <summary>The last step's output.</summary>
    public abstract float[] Output { get; }

    /// <summary>The last sequence's outputs (Steps x H).</summary>
    public abstract float[] Outputs { get; }

    /// <summary>Sets the carried state to zeros and the next step's input to the first one.</summary>
    public abstract void Reset();

    /// <summary>One streaming step, batch 1: the next input of the cycle, the state carried.</summary>
    public abstract void Step();

    /// <summary>One streaming step of the model's bfloat16 snapshot, with its own carried state (<see cref="BFloat16State"/>).</summary>
    public abstract void StepBFloat16();

    /// <summary>The bfloat16 snapshot's carried state.</summary>
    public abstract float[] BFloat16State { get; }

    /// <summary>The bfloat16 snapshot's last output.</summary>
    public abstract float[] BFloat16Output { get; }

    /// <summary>A 100-step sequence from the carried state, which it leaves at the final state.</summary>
    public abstract void Forward();

    /// <summary>The same 100-step sequence untraced from a zero state (what <see cref="ForwardBackward"/> runs, without the trace).</summary>
    public void ForwardFromZero()
    {
        Array.Clear(State);
        Forward();
    }

    /// <summary>Streams stepped together in the batched-streaming benchmark.</summary>
    public const int Streams = 16;

    /// <summary>One step of <see cref="Streams"/> independent streams with StepStreams.</summary>
    public abstract void StepStreams();

    /// <summary>One step of <see cref="Streams"/> independent streams, one Step call each.</summary>
    public abstract void StepEachStream();

    /// <summary>From a zero state: a 100-step forward pass with a trace, then BPTT back through it (+= into Gradients).</summary>
    public abstract void ForwardBackward();

    /// <summary>The forward half of <see cref="ForwardBackward"/> alone: from a zero state, 100 steps recording the trace.</summary>
    public abstract void ForwardTraced();
}

/// <inheritdoc />
public sealed class GeneratedRunner<TModel> : GeneratedRunner
    where TModel : class, IRecurrentModel<TModel>
{
    private readonly TModel _model = TModel.Create();
    private readonly float[] _inputs = BenchCase.Inputs(TModel.InputSize);
    private readonly float[] _outputGradients = BenchCase.OutputGradients(TModel.OutputSize);
    private readonly float[] _state = new float[TModel.StateSize];
    private readonly float[] _stateGradient = new float[TModel.StateSize];
    private readonly float[] _output = new float[TModel.OutputSize];
    private readonly float[] _outputs = new float[BenchCase.Steps * TModel.OutputSize];
    private readonly Trace _trace;
    private readonly float[] _streamInputs = BenchCase.Inputs(TModel.InputSize).AsSpan(0, Streams * TModel.InputSize).ToArray();
    private readonly float[] _streamStates = new float[Streams * TModel.StateSize];
    private readonly float[] _streamOutputs = new float[Streams * TModel.OutputSize];
    private readonly IInferenceModel _bfloat16;
    private readonly float[] _bfloat16State = new float[TModel.StateSize];
    private readonly float[] _bfloat16Output = new float[TModel.OutputSize];
    private int _step;

    /// <param name="snapshot">The model's ToBFloat16(), taken after its parameters are set.</param>
    public GeneratedRunner(Func<TModel, IInferenceModel> snapshot)
    {
        BenchCase.InitialiseParameters(_model.Parameters, TModel.HiddenSize);
        _trace = _model.CreateTrace(BenchCase.Steps);
        _bfloat16 = snapshot(_model);
    }

    public override float[] BFloat16State => _bfloat16State;

    public override float[] BFloat16Output => _bfloat16Output;

    public override float[] Parameters => _model.Parameters;

    public override float[] Gradients => _model.Gradients;

    public override ModelDescription Description => TModel.Description;

    public override float[] State => _state;

    public override float[] Output => _output;

    public override float[] Outputs => _outputs;

    public override void Reset()
    {
        Array.Clear(_state);
        Array.Clear(_bfloat16State);
        _step = 0;
    }

    public override void Step()
    {
        _model.Step(_inputs.AsSpan(_step * TModel.InputSize, TModel.InputSize), _state, _output);
        _step = _step + 1 == BenchCase.Steps ? 0 : _step + 1;
    }

    public override void StepBFloat16()
    {
        _bfloat16.Step(_inputs.AsSpan(_step * TModel.InputSize, TModel.InputSize), _bfloat16State, _bfloat16Output);
        _step = _step + 1 == BenchCase.Steps ? 0 : _step + 1;
    }

    public override void StepStreams() => _model.StepStreams(_streamInputs, _streamStates, _streamOutputs);

    public override void StepEachStream()
    {
        for (int s = 0; s < Streams; s++)
        {
            _model.Step(
                _streamInputs.AsSpan(s * TModel.InputSize, TModel.InputSize),
                _streamStates.AsSpan(s * TModel.StateSize, TModel.StateSize),
                _streamOutputs.AsSpan(s * TModel.OutputSize, TModel.OutputSize));
        }
    }

    public override void Forward() => _model.Forward(_inputs, _state, _outputs);

    public override void ForwardBackward()
    {
        Array.Clear(_state);
        _model.Forward(_inputs, _state, _outputs, _trace);
        Array.Clear(_stateGradient);
        _model.Backward(_trace, _outputGradients, _stateGradient, Span<float>.Empty, _model.Gradients);
    }

    /// <inheritdoc />
    public override void ForwardTraced()
    {
        Array.Clear(_state);
        _model.Forward(_inputs, _state, _outputs, _trace);
    }
}
