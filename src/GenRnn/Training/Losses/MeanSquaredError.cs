using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>
/// Mean squared error, as PyTorch's <c>nn.MSELoss</c> with mean reduction: Σ (x − y)² / n, or with per-element
/// weights w, Σ w·(x − y)² / Σ w. The gradient with respect to the predictions is 2·w·(x − y) / Σ w.
/// </summary>
public static class MeanSquaredError
{
    /// <summary>The mean squared error over the counted elements, without a gradient.</summary>
    /// <param name="predictions">The predictions x (any number of steps × outputs, flat).</param>
    /// <param name="targets">One target y per prediction.</param>
    /// <param name="weights">Empty, or one finite non-negative weight per prediction.</param>
    /// <returns>The weighted mean loss; 0 when nothing counts.</returns>
    /// <exception cref="ArgumentException">A length does not match or a weight is negative or not finite.</exception>
    public static float Loss(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights = default)
        => ElementwiseLoss.Loss<Squares>(predictions, targets, weights, Validate(predictions, targets, weights));

    /// <summary>The mean squared error over the counted elements and its gradient with respect to the predictions.</summary>
    /// <param name="predictions">The predictions x (any number of steps × outputs, flat).</param>
    /// <param name="targets">One target y per prediction.</param>
    /// <param name="gradients">
    /// Receives (overwritten, not added) 2·w·(x − y)/Σ w per prediction. It may be the very same memory as
    /// <paramref name="predictions"/> but must not otherwise overlap it or <paramref name="targets"/>.
    /// </param>
    /// <param name="weights">Empty, or one finite non-negative weight per prediction.</param>
    /// <returns>The weighted mean loss; 0 (with zero gradients) when nothing counts.</returns>
    /// <exception cref="ArgumentException">A length does not match or a weight is negative or not finite.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients, ReadOnlySpan<float> weights = default)
    {
        double total = Validate(predictions, targets, weights);
        LossArguments.RequireLength(gradients.Length, predictions.Length, "gradients (one per prediction)", nameof(gradients));
        return ElementwiseLoss.LossAndGradient<Squares>(predictions, targets, gradients, weights, total, gradientScale: 2.0);
    }

    private static double Validate(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights)
    {
        LossArguments.RequireLength(targets.Length, predictions.Length, "targets (one per prediction)", nameof(targets));
        return LossArguments.TotalWeight(weights, predictions.Length, nameof(weights));
    }

    // ℓ = (x − y)², r = x − y.
    private readonly struct Squares : IElementwiseLoss
    {
        public static double WeightedTerm(double w, float x, float y)
        {
            double d = (double)x - y;
            return w * d * d;
        }

        public static void Residual(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> gradients) => TensorPrimitives.Subtract(x, y, gradients);
    }
}
