using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>
/// Binary cross-entropy from logits with a fused sigmoid, as PyTorch's <c>nn.BCEWithLogitsLoss</c> with mean
/// reduction: per element max(x, 0) − x·y + log(1 + e^−|x|), which never overflows. With per-element weights w the
/// loss is Σ w·ℓ / Σ w.
/// </summary>
/// <remarks>The gradient with respect to the logits is w·(σ(x) − y) / Σ w.</remarks>
public static class SigmoidBinaryCrossEntropy
{
    /// <summary>The mean binary cross-entropy over the counted elements, without a gradient.</summary>
    /// <param name="logits">The logits x (any number of steps × outputs, flat).</param>
    /// <param name="targets">One target probability y in [0, 1] per logit.</param>
    /// <param name="weights">Empty, or one finite non-negative weight per logit.</param>
    /// <returns>The weighted mean loss; 0 when nothing counts.</returns>
    /// <exception cref="ArgumentException">A length does not match, a target is outside [0, 1] or a weight is negative or not finite.</exception>
    public static float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights = default)
        => ElementwiseLoss.Loss<LogisticTerms>(logits, targets, weights, Validate(logits, targets, weights));

    /// <summary>The mean binary cross-entropy over the counted elements and its gradient with respect to the logits.</summary>
    /// <param name="logits">The logits x (any number of steps × outputs, flat).</param>
    /// <param name="targets">One target probability y in [0, 1] per logit.</param>
    /// <param name="gradients">
    /// Receives (overwritten, not added) w·(σ(x) − y)/Σ w per logit. It may be the very same memory as
    /// <paramref name="logits"/> but must not otherwise overlap it or <paramref name="targets"/>.
    /// </param>
    /// <param name="weights">Empty, or one finite non-negative weight per logit.</param>
    /// <returns>The weighted mean loss; 0 (with zero gradients) when nothing counts.</returns>
    /// <exception cref="ArgumentException">A length does not match, a target is outside [0, 1] or a weight is negative or not finite.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradients, ReadOnlySpan<float> weights = default)
    {
        double total = Validate(logits, targets, weights);
        LossArguments.RequireLength(gradients.Length, logits.Length, "gradients (one per logit)", nameof(gradients));
        return ElementwiseLoss.LossAndGradient<LogisticTerms>(logits, targets, gradients, weights, total, gradientScale: 1.0);
    }

    private static double Validate(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights)
    {
        LossArguments.RequireLength(targets.Length, logits.Length, "targets (one per logit)", nameof(targets));
        LossArguments.RequireProbabilities(targets, nameof(targets));
        return LossArguments.TotalWeight(weights, logits.Length, nameof(weights));
    }

    // ℓ = max(x, 0) − x·y + log(1 + e^−|x|), r = σ(x) − y.
    private readonly struct LogisticTerms : IElementwiseLoss
    {
        public static double WeightedTerm(double w, float x, float y)
        {
            double v = x;
            return w * (Math.Max(v, 0) - v * y + Math.Log(1 + Math.Exp(-Math.Abs(v))));
        }

        public static void Residual(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> gradients)
        {
            TensorPrimitives.Sigmoid(x, gradients);
            TensorPrimitives.Subtract(gradients, y, gradients);
        }
    }
}
