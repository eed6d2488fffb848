using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace GenRnn;

/// <summary>
/// The opt-in check for NaN and infinities. Generated <c>Step</c> and <c>Forward</c> methods do not check their
/// inputs (it would cost a pass over every input on the hot path): a NaN or infinity fed to them makes the state
/// NaN, and every later output stays NaN until the state is reset. Call <see cref="Check"/> on data you do not
/// trust before stepping. The trainers check their samples themselves, and the loaders (safetensors, ONNX,
/// checkpoints) reject non-finite weights.
/// </summary>
public static class NonFinite
{
    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1 when all are finite.</summary>
    /// <param name="values">The values to scan; allocates nothing.</param>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        if (TensorPrimitives.IsFiniteAll(values))
        {
            return -1;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Throws unless every value in <paramref name="values"/> is finite (neither NaN nor an infinity).</summary>
    /// <param name="values">The values to check, for example a step's input; allocates nothing when they are finite.</param>
    /// <param name="name">The name of the argument in the message and <see cref="ArgumentException.ParamName"/> (by default the expression passed).</param>
    /// <exception cref="ArgumentException">A value is NaN or infinite; the message gives its index and value.</exception>
    public static void Check(ReadOnlySpan<float> values, [CallerArgumentExpression(nameof(values))] string? name = null)
    {
        int index = IndexOf(values);
        if (index >= 0)
        {
            Throw(values[index], index, name);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(float value, int index, string? name) =>
        throw new ArgumentException($"{name ?? "values"}[{index}] is {value}; the values must be finite (a NaN or infinity fed to Step or Forward makes the state NaN until it is reset).", name);
}
