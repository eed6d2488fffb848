namespace GenRnn.Training;

/// <summary>
/// The common part of the optimizers: argument checks, step counting, learning rate, and the export, import and
/// reset of the named buffers a derived class registers with <see cref="AddBuffer"/>.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private readonly List<(string Name, float[] Values)> _buffers = [];
    private double _learningRate;

    /// <summary>Creates an optimizer for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">The length of the parameter and gradient buffers.</param>
    /// <param name="learningRate">The initial learning rate (finite, non-negative).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    protected Optimizer(int parameterCount, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameterCount);
        RequireLearningRate(learningRate, nameof(learningRate));
        ParameterCount = parameterCount;
        _learningRate = learningRate;
    }

    /// <summary>The optimizer's kind as stored in <see cref="OptimizerState.Kind"/>.</summary>
    public abstract string Kind { get; }

    /// <inheritdoc />
    public int ParameterCount { get; }

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            RequireLearningRate(value, nameof(value));
            _learningRate = value;
        }
    }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"Expected {ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        }

        if (gradients.Length != ParameterCount)
        {
            throw new ArgumentException($"Expected {ParameterCount} gradients, got {gradients.Length}.", nameof(gradients));
        }

        StepCount++;
        Update(parameters, gradients, StepCount);
    }

    /// <inheritdoc />
    public void Reset()
    {
        foreach ((string _, float[] values) in _buffers)
        {
            Array.Clear(values);
        }

        StepCount = 0;
    }

    /// <inheritdoc />
    public OptimizerState ExportState()
    {
        var buffers = new NamedTensor[_buffers.Count];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new NamedTensor(_buffers[i].Name, [ParameterCount], (float[])_buffers[i].Values.Clone());
        }

        return new OptimizerState(Kind, StepCount, LearningRate, buffers);
    }

    /// <inheritdoc />
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Kind != Kind)
        {
            throw new ArgumentException($"The state is for a {state.Kind} optimizer, not {Kind}.", nameof(state));
        }

        if (state.StepCount < 0)
        {
            throw new ArgumentException($"The state's step count {state.StepCount} is negative.", nameof(state));
        }

        if (!(state.LearningRate >= 0) || double.IsPositiveInfinity(state.LearningRate))
        {
            throw new ArgumentException($"The state's learning rate {state.LearningRate} is not finite and non-negative.", nameof(state));
        }

        if (state.Buffers is null)
        {
            throw new ArgumentException("The state has no buffer list.", nameof(state));
        }

        string expected = string.Join(", ", _buffers.Select(b => b.Name));
        string given = string.Join(", ", state.Buffers.Select(b => b?.Name));
        var matched = new float[_buffers.Count][];
        if (state.Buffers.Count != _buffers.Count)
        {
            throw new ArgumentException($"This {Kind} optimizer keeps the buffers [{expected}]; the state has [{given}] (another configuration?).", nameof(state));
        }

        foreach (NamedTensor? b in state.Buffers)
        {
            int index = b is null ? -1 : _buffers.FindIndex(x => x.Name == b.Name);
            if (index < 0 || matched[index] is not null)
            {
                throw new ArgumentException($"This {Kind} optimizer keeps the buffers [{expected}]; the state has [{given}] (another configuration?).", nameof(state));
            }

            if (b!.Data is null || b.Data.Length != ParameterCount || b.Shape is null || b.Shape.Length != 1 || b.Shape[0] != ParameterCount)
            {
                throw new ArgumentException($"The state's buffer '{b.Name}' holds {b.Data?.Length ?? 0} values, this optimizer has {ParameterCount} parameters.", nameof(state));
            }

            if (NonFinite.IndexOf(b.Data) is >= 0 and int bad)
            {
                throw new ArgumentException($"The state's buffer '{b.Name}' holds a non-finite value ({b.Data[bad]} at index {bad}); optimizer state must be finite.", nameof(state));
            }

            matched[index] = b.Data;
        }

        for (int i = 0; i < matched.Length; i++)
        {
            matched[i].CopyTo(_buffers[i].Values, 0);
        }

        StepCount = state.StepCount;
        _learningRate = state.LearningRate;
    }

    /// <summary>Applies the update rule; the base class has checked both lengths and counted the step.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="gradients">Their gradients.</param>
    /// <param name="step">The update's number, from 1 (t in PyTorch's formulas).</param>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step);

    /// <summary>Allocates a zeroed per-parameter buffer that is exported, imported and reset under <paramref name="name"/>.</summary>
    /// <param name="name">The buffer's name in <see cref="OptimizerState.Buffers"/> (PyTorch's name where there is one).</param>
    /// <returns>The buffer, of <see cref="ParameterCount"/> floats.</returns>
    protected float[] AddBuffer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_buffers.Exists(b => b.Name == name))
        {
            throw new InvalidOperationException($"The buffer '{name}' is already registered.");
        }

        var values = new float[ParameterCount];
        _buffers.Add((name, values));
        return values;
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and non-negative.</summary>
    private protected static void RequireNonNegative(double value, string parameterName)
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "Must be finite and non-negative.");
        }
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> &lt; 1.</summary>
    private protected static void RequireFraction(double value, string parameterName)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "Must lie in [0, 1).");
        }
    }

    private static void RequireLearningRate(double value, string parameterName)
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "The learning rate must be finite and non-negative.");
        }
    }
}
