using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>
/// Stochastic gradient descent exactly as <c>torch.optim.SGD</c>: g' = g + wd·p; with momentum μ the buffer is
/// b = g' at the first step and b = μ·b + (1 − dampening)·g' afterwards; the direction is b, or g' + μ·b with
/// Nesterov; p −= lr·direction.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[]? _momentumBuffer;
    private readonly float[]? _scratch;

    /// <summary>Creates an SGD optimizer.</summary>
    /// <param name="parameterCount">The length of the parameter and gradient buffers.</param>
    /// <param name="learningRate">The learning rate (PyTorch's default 1e-3).</param>
    /// <param name="momentum">The momentum factor μ, 0 for none.</param>
    /// <param name="dampening">Dampening of the momentum after the first step, in [0, 1].</param>
    /// <param name="weightDecay">L2 penalty factor added to the gradient (g += wd·p).</param>
    /// <param name="nesterov">Nesterov momentum; needs a momentum and zero dampening.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="ArgumentException">Nesterov momentum without momentum or with dampening.</exception>
    public Sgd(int parameterCount, double learningRate = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameterCount, learningRate)
    {
        RequireNonNegative(momentum, nameof(momentum));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        if (!(dampening >= 0 && dampening <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "Must lie in [0, 1].");
        }

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening.", nameof(nesterov));
        }

        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        if (momentum != 0)
        {
            _momentumBuffer = AddBuffer("momentum_buffer");
        }

        if (weightDecay != 0 || nesterov)
        {
            _scratch = new float[parameterCount];
        }
    }

    /// <inheritdoc />
    public override string Kind => "SGD";

    /// <summary>The momentum factor μ (0: none).</summary>
    public double Momentum { get; }

    /// <summary>The dampening of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>The L2 penalty factor.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the momentum is Nesterov's.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        ReadOnlySpan<float> g = OptimizerMath.WithWeightDecay(parameters, gradients, WeightDecay, _scratch);

        if (_momentumBuffer is { } b)
        {
            if (step == 1)
            {
                g.CopyTo(b);
            }
            else if (Dampening == 0)
            {
                TensorPrimitives.MultiplyAdd(b, (float)Momentum, g, b);
            }
            else
            {
                TensorPrimitives.Multiply(b, (float)Momentum, b);
                TensorPrimitives.MultiplyAdd(g, (float)(1 - Dampening), b, b);
            }

            if (Nesterov)
            {
                TensorPrimitives.MultiplyAdd(b, (float)Momentum, g, _scratch); // g + μ·b (g may be the scratch itself)
                g = _scratch;
            }
            else
            {
                g = b;
            }
        }

        TensorPrimitives.MultiplyAdd(g, -(float)LearningRate, parameters, parameters);
    }
}
