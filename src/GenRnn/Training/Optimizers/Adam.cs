using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>
/// Adam exactly as <c>torch.optim.Adam</c> (L2 weight decay added to the gradient, not AdamW's decoupled decay):
/// g' = g + wd·p; m = β1·m + (1 − β1)·g'; v = β2·v + (1 − β2)·g'²;
/// p −= (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + eps). With AMSGrad the running maximum of v replaces v
/// in the denominator.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[] _m;
    private readonly float[] _v;
    private readonly float[]? _vMax;
    private readonly float[] _scratch;
    private readonly float[]? _decayed;

    /// <summary>Creates an Adam optimizer; the defaults are PyTorch's.</summary>
    /// <param name="parameterCount">The length of the parameter and gradient buffers.</param>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator after the square root.</param>
    /// <param name="weightDecay">L2 penalty factor added to the gradient (g += wd·p).</param>
    /// <param name="amsGrad">Use the running maximum of the second moment (AMSGrad).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public Adam(int parameterCount, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool amsGrad = false)
        : base(parameterCount, learningRate)
    {
        RequireFraction(beta1, nameof(beta1));
        RequireFraction(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        AmsGrad = amsGrad;
        _m = AddBuffer("exp_avg");
        _v = AddBuffer("exp_avg_sq");
        if (amsGrad)
        {
            _vMax = AddBuffer("max_exp_avg_sq");
        }

        _scratch = new float[parameterCount];
        if (weightDecay != 0)
        {
            _decayed = new float[parameterCount];
        }
    }

    /// <inheritdoc />
    public override string Kind => "Adam";

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator after the square root.</summary>
    public double Epsilon { get; }

    /// <summary>The L2 penalty factor.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the running maximum of the second moment is used (AMSGrad).</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        ReadOnlySpan<float> g = OptimizerMath.WithWeightDecay(parameters, gradients, WeightDecay, _decayed);

        Span<float> tmp = _scratch;

        // m.lerp_(g, 1 − β1)
        OptimizerMath.Lerp(_m, g, 1 - Beta1, tmp);

        // v = β2·v + (1 − β2)·g²
        OptimizerMath.AverageSquares(_v, g, Beta2, tmp);

        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, step));
        float stepSize = (float)((float)LearningRate / biasCorrection1); // the rate as float, as the kernels use it

        // denominator = sqrt(v) / sqrt(1 − β2^t) + eps
        float[] second = _v;
        if (_vMax is not null)
        {
            TensorPrimitives.Max(_vMax, _v, _vMax);
            second = _vMax;
        }

        TensorPrimitives.Sqrt(second, tmp);
        TensorPrimitives.Divide(tmp, (float)biasCorrection2Sqrt, tmp);
        TensorPrimitives.Add(tmp, (float)Epsilon, tmp);

        // p −= step_size · m / denominator
        TensorPrimitives.Divide(_m, tmp, tmp);
        TensorPrimitives.MultiplyAdd(tmp, -stepSize, parameters, parameters);
    }
}
