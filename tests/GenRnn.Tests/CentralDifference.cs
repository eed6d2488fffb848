using System.Numerics;

namespace GenRnn.Tests;

/// <summary>The central difference the gradient checks of the generated code and of the reference share.</summary>
internal static class CentralDifference
{
    /// <summary>
    /// (L(v + h) − L(v − h)) / 2h for element <paramref name="i"/> of <paramref name="values"/>, perturbed in the
    /// array's own precision (so a float model sees exactly the float it is given) and restored afterwards.
    /// </summary>
    public static double Of<T>(T[] values, int i, T h, Func<double> loss)
        where T : IFloatingPointIeee754<T>
    {
        T saved = values[i];
        values[i] = saved + h;
        double plus = loss();
        values[i] = saved - h;
        double minus = loss();
        values[i] = saved;
        return (plus - minus) / (2 * double.CreateChecked(h));
    }
}
