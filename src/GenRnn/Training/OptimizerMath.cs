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
}
