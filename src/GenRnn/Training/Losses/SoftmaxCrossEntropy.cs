using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>
/// Softmax cross-entropy from logits, one class id per step, as PyTorch's <c>nn.CrossEntropyLoss</c> with mean
/// reduction. With per-step weights w (e.g. a 0/1 mask) the loss is Σ w_t·CE_t / Σ w_t, so a weight of 0 removes a
/// step and the mean runs over the counted steps only.
/// </summary>
/// <remarks>
/// The gradient is fused: d(loss)/d(logits_t) = w_t·(softmax(logits_t) − onehot(target_t)) / Σ w, which is what a
/// model's <c>BackwardFromLogits</c> takes. Both are computed with the row maximum subtracted first, so large logits
/// neither overflow nor lose the loss.
/// </remarks>
public static class SoftmaxCrossEntropy
{
    /// <summary>The mean cross-entropy over the counted steps, without a gradient.</summary>
    /// <param name="logits">T × <paramref name="classes"/> logits, one row per step.</param>
    /// <param name="classes">Classes per step (the length of a row).</param>
    /// <param name="targets">T class ids in [0, <paramref name="classes"/>).</param>
    /// <param name="weights">Empty, or T finite non-negative weights (a mask counts the steps whose weight is 1).</param>
    /// <returns>The weighted mean loss; 0 when no step counts (all weights 0, or no steps).</returns>
    /// <exception cref="ArgumentException">A length does not match, a target is out of range or a weight is negative or not finite.</exception>
    public static float Loss(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights = default)
    {
        double total = Validate(logits, classes, targets, weights);
        if (total == 0)
        {
            return 0f;
        }

        double sum = 0;
        for (int t = 0; t < targets.Length; t++)
        {
            double w = weights.IsEmpty ? 1.0 : weights[t];
            if (w == 0)
            {
                continue;
            }

            ReadOnlySpan<float> row = logits.Slice(t * classes, classes);
            double max = TensorPrimitives.Max(row);
            double exps = 0;
            for (int k = 0; k < row.Length; k++)
            {
                exps += Math.Exp(row[k] - max);
            }

            sum += w * (Math.Log(exps) + max - row[targets[t]]);
        }

        return (float)(sum / total);
    }

    /// <summary>The mean cross-entropy over the counted steps and its gradient with respect to the logits.</summary>
    /// <param name="logits">T × <paramref name="classes"/> logits, one row per step.</param>
    /// <param name="classes">Classes per step (the length of a row).</param>
    /// <param name="targets">T class ids in [0, <paramref name="classes"/>).</param>
    /// <param name="gradients">
    /// Receives (overwritten, not added) T × <paramref name="classes"/> gradients w_t·(softmax − onehot)/Σ w; rows of
    /// steps with weight 0 receive zeros. It may be the very same memory as <paramref name="logits"/> (computed in place)
    /// but must not otherwise overlap it.
    /// </param>
    /// <param name="weights">Empty, or T finite non-negative weights (a mask counts the steps whose weight is 1).</param>
    /// <returns>The weighted mean loss; 0 (with zero gradients) when no step counts.</returns>
    /// <exception cref="ArgumentException">A length does not match, a target is out of range or a weight is negative or not finite.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, Span<float> gradients, ReadOnlySpan<float> weights = default)
    {
        double total = Validate(logits, classes, targets, weights);
        LossArguments.RequireLength(gradients.Length, logits.Length, "gradients (steps x classes)", nameof(gradients));
        if (total == 0)
        {
            gradients.Clear();
            return 0f;
        }

        double sum = 0;
        for (int t = 0; t < targets.Length; t++)
        {
            ReadOnlySpan<float> row = logits.Slice(t * classes, classes);
            Span<float> grad = gradients.Slice(t * classes, classes);
            float w = weights.IsEmpty ? 1f : weights[t];
            if (w == 0)
            {
                grad.Clear();
                continue;
            }

            int target = targets[t];
            float max = TensorPrimitives.Max(row);
            float targetLogit = row[target]; // read before grad (possibly the same memory) is written
            TensorPrimitives.Subtract(row, max, grad);
            TensorPrimitives.Exp(grad, grad);
            float exps = TensorPrimitives.Sum<float>(grad);
            sum += w * (Math.Log(exps) + max - targetLogit);
            float scale = (float)(w / total);
            TensorPrimitives.Multiply(grad, scale / exps, grad);
            grad[target] -= scale;
        }

        return (float)(sum / total);
    }

    /// <summary>
    /// One step's cross-entropy for class <paramref name="target"/> and its unscaled gradient with respect to the
    /// logits, from logits or, with <paramref name="probabilities"/>, from a Softmax head's outputs (the trainers'
    /// shared step loss).
    /// </summary>
    internal static double StepLossAndGradient(ReadOnlySpan<float> outputs, int target, Span<float> gradients, bool probabilities)
    {
        if (probabilities)
        {
            // The outputs are probabilities: d/dlogits = p - onehot.
            outputs.CopyTo(gradients);
            gradients[target] -= 1f;
            return -Math.Log(Math.Max(outputs[target], 1e-30f));
        }

        return LossAndGradient(outputs, outputs.Length, new ReadOnlySpan<int>(in target), gradients);
    }

    private static double Validate(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, ReadOnlySpan<float> weights)
    {
        if (classes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "There must be at least one class.");
        }

        int expected = checked(targets.Length * classes);
        if (logits.Length != expected)
        {
            // Not through RequireLength: its interpolated description would allocate on every call.
            throw new ArgumentException($"Expected {expected} logits ({targets.Length} steps x {classes} classes), got {logits.Length}.", nameof(logits));
        }

        for (int t = 0; t < targets.Length; t++)
        {
            if ((uint)targets[t] >= (uint)classes)
            {
                throw new ArgumentException($"Target {t} is class {targets[t]}, outside [0, {classes}).", nameof(targets));
            }
        }

        return LossArguments.TotalWeight(weights, targets.Length, nameof(weights));
    }
}
