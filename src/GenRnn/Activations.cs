using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenRnn;

/// <summary>
/// Gate activations shared by generated code, scalar and vector, accurate to about 1e-6 relative.
/// </summary>
public static class Activations
{
    /// <summary>Logistic sigmoid 1 / (1 + e^-x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>Hyperbolic tangent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>Logistic sigmoid of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Span<float> v = stackalloc float[Vector256<float>.Count];
        x.CopyTo(v);
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Sigmoid(v[i]);
        }

        return Vector256.Create<float>(v);
    }

    /// <summary>Hyperbolic tangent of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Span<float> v = stackalloc float[Vector256<float>.Count];
        x.CopyTo(v);
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Tanh(v[i]);
        }

        return Vector256.Create<float>(v);
    }

    /// <summary>Logistic sigmoid of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512.Create(Sigmoid(x.GetLower()), Sigmoid(x.GetUpper()));

    /// <summary>Hyperbolic tangent of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Vector512.Create(Tanh(x.GetLower()), Tanh(x.GetUpper()));
}
