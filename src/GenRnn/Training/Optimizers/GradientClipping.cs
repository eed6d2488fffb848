using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>Gradient clipping as PyTorch's <c>clip_grad_value_</c> and <c>clip_grad_norm_</c>; neither allocates.</summary>
public static class GradientClipping
{
    private const int NormChunk = 256;

    /// <summary>Clamps every gradient to [−<paramref name="maxValue"/>, <paramref name="maxValue"/>] (<c>clip_grad_value_</c>).</summary>
    /// <param name="gradients">The gradients, clipped in place. NaNs are left as they are.</param>
    /// <param name="maxValue">The largest magnitude kept (non-negative; +∞ clips nothing).</param>
    /// <returns>The number of gradients whose magnitude exceeded <paramref name="maxValue"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxValue"/> is negative or NaN.</exception>
    public static int ByValue(Span<float> gradients, double maxValue)
    {
        if (!(maxValue >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "The clipping value must be non-negative.");
        }

        return Clamp(gradients, (float)maxValue);
    }

    /// <summary>The clamp of <see cref="ByValue(Span{float}, double)"/> with the threshold converted once to float, as the gradients are.</summary>
    internal static int Clamp(Span<float> gradients, float maxValue)
    {
        int clipped = 0;
        for (int i = 0; i < gradients.Length; i++)
        {
            float g = gradients[i];
            if (g > maxValue)
            {
                gradients[i] = maxValue;
                clipped++;
            }
            else if (g < -maxValue)
            {
                gradients[i] = -maxValue;
                clipped++;
            }
        }

        return clipped;
    }

    /// <summary>
    /// Scales the gradients so their Euclidean norm does not exceed <paramref name="maxNorm"/>, as
    /// <c>clip_grad_norm_</c> over all of them together: with total = ‖g‖₂ (accumulated in double), every g is
    /// multiplied by maxNorm / (total + 1e-6) when that factor is below 1 (that is, when total exceeds maxNorm, up to
    /// PyTorch's 1e-6), and left untouched otherwise.
    /// </summary>
    /// <param name="gradients">The gradients, scaled in place.</param>
    /// <param name="maxNorm">The largest norm kept (non-negative).</param>
    /// <returns>
    /// The total norm before clipping. It is NaN or +∞ when a gradient is; check it with <see cref="float.IsFinite"/>
    /// to skip such an update (the gradients are then NaN or zero, as PyTorch leaves them).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN.</exception>
    public static float ByNorm(Span<float> gradients, double maxNorm)
    {
        if (!(maxNorm >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be non-negative.");
        }

        double total = Math.Sqrt(SumOfSquares(gradients));
        ScaleToNorm(gradients, (float)maxNorm, total); // the threshold as float, as the gradients are
        return (float)total;
    }

    /// <summary>
    /// The scaling of <see cref="ByNorm"/> for a norm measured already (<paramref name="total"/>, possibly over more
    /// buffers than this one, so several models can be clipped by one global norm).
    /// </summary>
    internal static void ScaleToNorm(Span<float> gradients, float maxNorm, double total)
    {
        double factor = maxNorm / (total + 1e-6);
        if (factor < 1)
        {
            TensorPrimitives.Multiply(gradients, (float)factor, gradients);
        }
    }

    /// <summary>The global (L2) norm of <paramref name="gradients"/>, as <see cref="ByNorm"/> measures it; NaN or +∞ when a gradient is.</summary>
    public static float Norm(ReadOnlySpan<float> gradients) => (float)Math.Sqrt(SumOfSquares(gradients));

    /// <summary>The sum of squares: vectorised in float over short runs, summed in double, a run recomputed in double if float overflowed.</summary>
    internal static double SumOfSquares(ReadOnlySpan<float> gradients)
    {
        double sum = 0;
        for (int start = 0; start < gradients.Length; start += NormChunk)
        {
            ReadOnlySpan<float> chunk = gradients.Slice(start, Math.Min(NormChunk, gradients.Length - start));
            double chunkSum = TensorPrimitives.SumOfSquares(chunk);
            if (!double.IsFinite(chunkSum))
            {
                chunkSum = 0;
                foreach (float g in chunk)
                {
                    chunkSum += (double)g * g;
                }
            }

            sum += chunkSum;
        }

        return sum;
    }
}
