using GenRnn.Reference;

namespace GenRnn.Benchmarks;

/// <summary>
/// <see cref="ReferenceModel"/> (scalar, double precision, sizes known only at run time) built from a generated
/// model's description and parameters, with the same workload as <see cref="GeneratedRunner"/>. Inputs and output
/// gradients are converted to double once, outside the timed code.
/// </summary>
public sealed class ReferenceRunner
{
    private readonly ReferenceModel _model;
    private readonly double[] _inputs;
    private readonly double[] _outputGradients;
    private readonly double[] _stateGradient;
    private readonly ReferenceTrace _trace;
    private int _step;

    public ReferenceRunner(GeneratedRunner generated)
    {
        _model = new ReferenceModel(generated.Description, generated.Parameters);
        _inputs = Array.ConvertAll(BenchCase.Inputs(_model.InputSize), x => (double)x);
        _outputGradients = Array.ConvertAll(BenchCase.OutputGradients(_model.OutputSize), x => (double)x);
        State = new double[_model.StateSize];
        _stateGradient = new double[_model.StateSize];
        Output = new double[_model.OutputSize];
        Outputs = new double[BenchCase.Steps * _model.OutputSize];
        Gradients = new double[_model.ParameterCount];
        _trace = _model.CreateTrace();
    }

    /// <summary>The carried state (h, then c for LSTMs).</summary>
    public double[] State { get; }

    /// <summary>The last step's output.</summary>
    public double[] Output { get; }

    /// <summary>The last sequence's outputs.</summary>
    public double[] Outputs { get; }

    /// <summary>Parameter gradients (BPTT adds into them).</summary>
    public double[] Gradients { get; }

    /// <inheritdoc cref="GeneratedRunner.Reset" />
    public void Reset()
    {
        Array.Clear(State);
        _step = 0;
    }

    /// <inheritdoc cref="GeneratedRunner.Step" />
    public void Step()
    {
        _model.Forward(_inputs.AsSpan(_step * _model.InputSize, _model.InputSize), State, Output);
        _step = _step + 1 == BenchCase.Steps ? 0 : _step + 1;
    }

    /// <inheritdoc cref="GeneratedRunner.Forward" />
    public void Forward() => _model.Forward(_inputs, State, Outputs);

    /// <inheritdoc cref="GeneratedRunner.ForwardBackward" />
    public void ForwardBackward()
    {
        Array.Clear(State);
        _model.Forward(_inputs, State, Outputs, _trace);
        Array.Clear(_stateGradient);
        _model.Backward(_trace, _outputGradients, _stateGradient, Span<double>.Empty, Gradients);
    }
}
