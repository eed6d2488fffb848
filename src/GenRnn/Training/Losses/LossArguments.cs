namespace GenRnn.Training;

/// <summary>Argument checks shared by the losses.</summary>
internal static class LossArguments
{
    /// <summary>Checks that a span holds <paramref name="expected"/> elements.</summary>
    public static void RequireLength(int actual, int expected, string what, string parameterName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} {what}, got {actual}.", parameterName);
        }
    }

    /// <summary>
    /// Checks optional per-target weights (empty, or one finite non-negative weight per target) and returns their
    /// sum, or <paramref name="count"/> when there are none.
    /// </summary>
    public static double TotalWeight(ReadOnlySpan<float> weights, int count, string parameterName)
    {
        if (weights.IsEmpty)
        {
            return count;
        }

        if (weights.Length != count)
        {
            throw new ArgumentException($"Expected no weights or one weight per target ({count}), got {weights.Length}.", parameterName);
        }

        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (!(w >= 0) || float.IsPositiveInfinity(w))
            {
                throw new ArgumentException($"Weights must be finite and non-negative; weight {i} is {w}.", parameterName);
            }

            total += w;
        }

        return total;
    }

    /// <summary>Checks that every target lies in [0, 1] (binary cross-entropy's probabilities).</summary>
    public static void RequireProbabilities(ReadOnlySpan<float> targets, string parameterName)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            float y = targets[i];
            if (!(y >= 0 && y <= 1))
            {
                throw new ArgumentException($"Targets must be probabilities in [0, 1]; target {i} is {y}.", parameterName);
            }
        }
    }

    /// <summary>Sets the gradients of elements with weight 0 to exactly 0 (0·∞ or 0·NaN would otherwise leak NaN).</summary>
    public static void ZeroWhereUnweighted(Span<float> gradients, ReadOnlySpan<float> weights)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 0)
            {
                gradients[i] = 0;
            }
        }
    }
}
