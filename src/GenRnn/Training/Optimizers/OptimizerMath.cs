using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>Flat-vector steps the optimizers share, rounded as PyTorch's kernels round them.</summary>
internal static class OptimizerMath
{
    /// <summary>
    /// <paramref name="average"/>.lerp_(<paramref name="value"/>, <paramref name="weight"/>) as PyTorch computes it:
    /// a + w·(v − a) for w &lt; 0.5, else v − (v − a)·(1 − w). <paramref name="scratch"/> is overwritten.
    /// </summary>
    public static void Lerp(Span<float> average, ReadOnlySpan<float> value, double weight, Span<float> scratch)
    {
        TensorPrimitives.Subtract(value, average, scratch);
        if (weight < 0.5)
        {
            TensorPrimitives.MultiplyAdd(scratch, (float)weight, average, average);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(scratch, (float)-(1 - weight), value, average);
        }
    }

    /// <summary>average = decay·average + (1 − decay)·g², the running mean of squares of Adam and RMSprop.</summary>
    public static void AverageSquares(Span<float> average, ReadOnlySpan<float> g, double decay, Span<float> scratch)
    {
        TensorPrimitives.Multiply(average, (float)decay, average);
        TensorPrimitives.Multiply(g, g, scratch);
        TensorPrimitives.MultiplyAdd(scratch, (float)(1 - decay), average, average);
    }

    /// <summary>The gradient with L2 weight decay, g + wd·p, written into <paramref name="buffer"/>; the gradient itself when there is none.</summary>
    public static ReadOnlySpan<float> WithWeightDecay(ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradients, double weightDecay, Span<float> buffer)
    {
        if (weightDecay == 0)
        {
            return gradients;
        }

        TensorPrimitives.MultiplyAdd(parameters, (float)weightDecay, gradients, buffer);
        return buffer;
    }
}
