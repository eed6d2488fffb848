using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>
/// RMSprop exactly as <c>torch.optim.RMSprop</c>: g' = g + wd·p; v = α·v + (1 − α)·g'²; centered: a = α-average of
/// g' and the denominator is sqrt(v − a²) + eps, otherwise sqrt(v) + eps; with momentum μ, b = μ·b + g'/denominator
/// (b starts at zero) and p −= lr·b, otherwise p −= lr·g'/denominator.
/// </summary>
public sealed class RMSprop : Optimizer
{
    private readonly float[] _squareAverage;
    private readonly float[]? _gradientAverage;
    private readonly float[]? _momentumBuffer;
    private readonly float[] _scratch;
    private readonly float[]? _decayed;

    /// <summary>Creates an RMSprop optimizer; the defaults are PyTorch's.</summary>
    /// <param name="parameterCount">The length of the parameter and gradient buffers.</param>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="alpha">Smoothing constant of the averages, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator after the square root.</param>
    /// <param name="weightDecay">L2 penalty factor added to the gradient (g += wd·p).</param>
    /// <param name="momentum">Momentum factor μ, 0 for none.</param>
    /// <param name="centered">Normalise by an estimate of the gradient's variance instead of its second moment.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public RMSprop(int parameterCount, double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(parameterCount, learningRate)
    {
        RequireFraction(alpha, nameof(alpha));
        RequireNonNegative(epsilon, nameof(epsilon));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        RequireNonNegative(momentum, nameof(momentum));
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        _squareAverage = AddBuffer("square_avg");
        if (momentum > 0)
        {
            _momentumBuffer = AddBuffer("momentum_buffer");
        }

        if (centered)
        {
            _gradientAverage = AddBuffer("grad_avg");
        }

        _scratch = new float[parameterCount];
        if (weightDecay != 0)
        {
            _decayed = new float[parameterCount];
        }
    }

    /// <inheritdoc />
    public override string Kind => "RMSprop";

    /// <summary>Smoothing constant of the averages.</summary>
    public double Alpha { get; }

    /// <summary>Added to the denominator after the square root.</summary>
    public double Epsilon { get; }

    /// <summary>The L2 penalty factor.</summary>
    public double WeightDecay { get; }

    /// <summary>The momentum factor μ (0: none).</summary>
    public double Momentum { get; }

    /// <summary>Whether the denominator is centered (an estimate of the variance).</summary>
    public bool Centered { get; }

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        ReadOnlySpan<float> g = OptimizerMath.WithWeightDecay(parameters, gradients, WeightDecay, _decayed);

        Span<float> tmp = _scratch;

        // v = α·v + (1 − α)·g²
        OptimizerMath.AverageSquares(_squareAverage, g, Alpha, tmp);

        // denominator = sqrt(v − a²) + eps (centered) or sqrt(v) + eps
        if (_gradientAverage is not null)
        {
            OptimizerMath.Lerp(_gradientAverage, g, 1 - Alpha, tmp);
            TensorPrimitives.Multiply(_gradientAverage, _gradientAverage, tmp);
            TensorPrimitives.Subtract(_squareAverage, tmp, tmp);
            TensorPrimitives.Sqrt(tmp, tmp);
        }
        else
        {
            TensorPrimitives.Sqrt(_squareAverage, tmp);
        }

        TensorPrimitives.Add(tmp, (float)Epsilon, tmp);
        TensorPrimitives.Divide(g, tmp, tmp);
        if (_momentumBuffer is not null)
        {
            TensorPrimitives.MultiplyAdd(_momentumBuffer, (float)Momentum, tmp, _momentumBuffer); // μ·b + g/denominator
            TensorPrimitives.MultiplyAdd(_momentumBuffer, -(float)LearningRate, parameters, parameters);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(tmp, -(float)LearningRate, parameters, parameters);
        }
    }
}
