using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>One element's part of an element-wise loss (<see cref="ElementwiseLoss"/>).</summary>
internal interface IElementwiseLoss
{
    /// <summary>w·ℓ(x, y) in double, as the loss defines it: each loss keeps its own order of operations.</summary>
    static abstract double WeightedTerm(double w, float x, float y);

    /// <summary>Writes the unweighted gradient numerator r(x, y) of each element; <paramref name="gradients"/> may be <paramref name="x"/>.</summary>
    static abstract void Residual(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> gradients);
}

/// <summary>
/// The weighted mean Σ w·ℓ / Σ w and its gradient c·w·r / Σ w, shared by the losses that score each element on its
/// own (mean squared error, binary cross-entropy); they differ only in ℓ, r and c. Arguments are checked by the caller.
/// </summary>
internal static class ElementwiseLoss
{
    /// <summary>The weighted mean loss; 0 when nothing counts (<paramref name="total"/> = Σ w is 0).</summary>
    public static float Loss<TLoss>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> weights, double total)
        where TLoss : IElementwiseLoss
        => total == 0 ? 0f : (float)(WeightedSum<TLoss>(x, y, weights) / total);

    /// <summary>
    /// The weighted mean loss, and its gradient <paramref name="gradientScale"/>·w·r / Σ w written over
    /// <paramref name="gradients"/> (zero where w is 0, all zero when nothing counts).
    /// </summary>
    public static float LossAndGradient<TLoss>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> gradients, ReadOnlySpan<float> weights, double total, double gradientScale)
        where TLoss : IElementwiseLoss
    {
        if (total == 0)
        {
            gradients.Clear();
            return 0f;
        }

        double loss = WeightedSum<TLoss>(x, y, weights) / total; // before gradients (possibly x) are written
        TLoss.Residual(x, y, gradients);
        if (!weights.IsEmpty)
        {
            TensorPrimitives.Multiply(gradients, weights, gradients);
            LossArguments.ZeroWhereUnweighted(gradients, weights);
        }

        TensorPrimitives.Multiply(gradients, (float)(gradientScale / total), gradients);
        return (float)loss;
    }

    // Elements of weight 0 are skipped, not multiplied by 0, so a NaN or infinite term there does not count.
    private static double WeightedSum<TLoss>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> weights)
        where TLoss : IElementwiseLoss
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = weights.IsEmpty ? 1.0 : weights[i];
            if (w == 0)
            {
                continue;
            }

            sum += TLoss.WeightedTerm(w, x[i], y[i]);
        }

        return sum;
    }
}
