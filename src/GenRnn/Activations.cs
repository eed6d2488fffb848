using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenRnn;

/// <summary>
/// Gate activations shared by generated code, scalar and vector, within 1.6e-7 relative of the exact value.
/// </summary>
/// <remarks>
/// Every width runs the same sequence of IEEE operations (the scalar overloads run it in lane 0 of a
/// <see cref="Vector128{T}"/>), so a scalar tail and the vector lanes before it return bit-identical values.
/// NaN in gives NaN out; infinities saturate. Below x = -87, where the true sigmoid nears the subnormal
/// range, <see cref="Sigmoid(float)"/> holds at 1.6e-38.
/// </remarks>
public static class Activations
{
    // e^x = 2^n e^r, n = round(x log2 e), r = x - n ln2 in [-ln2/2, ln2/2].
    // Callers clamp x to +-ExpMax: n stays in [-126, 126], so 2^n is a normal float built from exponent bits
    // and every result downstream stays normal (no overflow, no subnormal slow paths). Vector Min/Max keep NaN
    // and, against a constant, still compile to one vminps/vmaxps.
    private const float ExpMax = 87f;
    private const float Log2E = 1.44269504f;

    // Adding 1.5 * 2^23 rounds to an integer and leaves it in the low mantissa bits.
    private const float RoundShift = 12582912f;

    // ln 2 in two parts; n * Ln2Hi is exact (Cephes).
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    // e^r ~ 1 + r + r^2 (E2 + E3 r + E4 r^2 + E5 r^3 + E6 r^4), minimax: relative error 3.1e-9 on [-ln2/2, ln2/2].
    private const float E2 = 4.999999404e-01f;
    private const float E3 = 1.666652113e-01f;
    private const float E4 = 4.166838899e-02f;
    private const float E5 = 8.368710056e-03f;
    private const float E6 = 1.381461276e-03f;

    // tanh a = a + a^3 (T0 + T1 a^2 + ... + T4 a^8) below TanhSmall (Cephes tanhf); above it
    // 1 - 2 / (e^2a + 1) has no damaging cancellation.
    private const float TanhSmall = 0.625f;
    private const float T0 = -3.33332819422e-1f;
    private const float T1 = 1.33314422036e-1f;
    private const float T2 = -5.37397155531e-2f;
    private const float T3 = 2.06390887954e-2f;
    private const float T4 = -5.70498872745e-3f;

    /// <summary>Logistic sigmoid 1 / (1 + e^-x).</summary>
    /// <param name="x">The input.</param>
    /// <returns>The sigmoid of <paramref name="x"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => Sigmoid(Vector128.CreateScalarUnsafe(x)).ToScalar();

    /// <summary>Hyperbolic tangent.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The hyperbolic tangent of <paramref name="x"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => Tanh(Vector128.CreateScalarUnsafe(x)).ToScalar();

    /// <summary>Logistic sigmoid 1 / (1 + e^-x) of each lane.</summary>
    /// <param name="x">The inputs.</param>
    /// <returns>The sigmoid of each lane of <paramref name="x"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Vector256<float> t = Vector256.Min(Vector256.Max(-x, Vector256.Create(-ExpMax)), Vector256.Create(ExpMax));
        return Vector256<float>.One / (Vector256<float>.One + Exp(t));
    }

    /// <summary>Hyperbolic tangent of each lane.</summary>
    /// <param name="x">The inputs.</param>
    /// <returns>The hyperbolic tangent of each lane of <paramref name="x"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> a = Vector256.Abs(x);
        Vector256<float> large = Vector256<float>.One
            - Vector256.Create(2f) / (Exp(Vector256.Min(a + a, Vector256.Create(ExpMax))) + Vector256<float>.One);

        Vector256<float> z = a * a;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(T4), z, Vector256.Create(T3));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(T2));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(T1));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(T0));
        Vector256<float> small = Vector256.FusedMultiplyAdd(p * z, a, a);

        // NaN fails the comparison and takes the small branch, which propagates it.
        Vector256<float> result = Vector256.ConditionalSelect(
            Vector256.GreaterThanOrEqual(a, Vector256.Create(TanhSmall)), large, small);
        return Vector256.CopySign(result, x);
    }

    /// <summary>Logistic sigmoid 1 / (1 + e^-x) of each lane.</summary>
    /// <param name="x">The inputs.</param>
    /// <returns>The sigmoid of each lane of <paramref name="x"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        Vector512<float> t = Vector512.Min(Vector512.Max(-x, Vector512.Create(-ExpMax)), Vector512.Create(ExpMax));
        return Vector512<float>.One / (Vector512<float>.One + Exp(t));
    }

    /// <summary>Hyperbolic tangent of each lane.</summary>
    /// <param name="x">The inputs.</param>
    /// <returns>The hyperbolic tangent of each lane of <paramref name="x"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> a = Vector512.Abs(x);
        Vector512<float> large = Vector512<float>.One
            - Vector512.Create(2f) / (Exp(Vector512.Min(a + a, Vector512.Create(ExpMax))) + Vector512<float>.One);

        Vector512<float> z = a * a;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(T4), z, Vector512.Create(T3));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(T2));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(T1));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(T0));
        Vector512<float> small = Vector512.FusedMultiplyAdd(p * z, a, a);

        // NaN fails the comparison and takes the small branch, which propagates it.
        Vector512<float> result = Vector512.ConditionalSelect(
            Vector512.GreaterThanOrEqual(a, Vector512.Create(TanhSmall)), large, small);
        return Vector512.CopySign(result, x);
    }

    // Lane 0 of these is the scalar path; identical to the wider versions, operation for operation.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sigmoid(Vector128<float> x)
    {
        Vector128<float> t = Vector128.Min(Vector128.Max(-x, Vector128.Create(-ExpMax)), Vector128.Create(ExpMax));
        return Vector128<float>.One / (Vector128<float>.One + Exp(t));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> a = Vector128.Abs(x);
        Vector128<float> large = Vector128<float>.One
            - Vector128.Create(2f) / (Exp(Vector128.Min(a + a, Vector128.Create(ExpMax))) + Vector128<float>.One);

        Vector128<float> z = a * a;
        Vector128<float> p = Vector128.FusedMultiplyAdd(Vector128.Create(T4), z, Vector128.Create(T3));
        p = Vector128.FusedMultiplyAdd(p, z, Vector128.Create(T2));
        p = Vector128.FusedMultiplyAdd(p, z, Vector128.Create(T1));
        p = Vector128.FusedMultiplyAdd(p, z, Vector128.Create(T0));
        Vector128<float> small = Vector128.FusedMultiplyAdd(p * z, a, a);

        Vector128<float> result = Vector128.ConditionalSelect(
            Vector128.GreaterThanOrEqual(a, Vector128.Create(TanhSmall)), large, small);
        return Vector128.CopySign(result, x);
    }

    // e^x for x in [-ExpMax, ExpMax] (or NaN, which propagates).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Exp(Vector128<float> x)
    {
        Vector128<float> shifted = Vector128.FusedMultiplyAdd(x, Vector128.Create(Log2E), Vector128.Create(RoundShift));
        Vector128<float> n = shifted - Vector128.Create(RoundShift);
        Vector128<float> r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Hi), x);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Lo), r);

        Vector128<float> q = Vector128.FusedMultiplyAdd(Vector128.Create(E6), r, Vector128.Create(E5));
        q = Vector128.FusedMultiplyAdd(q, r, Vector128.Create(E4));
        q = Vector128.FusedMultiplyAdd(q, r, Vector128.Create(E3));
        q = Vector128.FusedMultiplyAdd(q, r, Vector128.Create(E2));
        q = Vector128.FusedMultiplyAdd(q, r, Vector128<float>.One);
        q = Vector128.FusedMultiplyAdd(q, r, Vector128<float>.One);

        // The low bits of shifted hold n; moving n + 127 into the exponent field makes 2^n.
        Vector128<float> scale = ((shifted.AsInt32() + Vector128.Create(127)) << 23).AsSingle();
        return q * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundShift));
        Vector256<float> n = shifted - Vector256.Create(RoundShift);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);

        Vector256<float> q = Vector256.FusedMultiplyAdd(Vector256.Create(E6), r, Vector256.Create(E5));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(E4));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(E3));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(E2));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256<float>.One);
        q = Vector256.FusedMultiplyAdd(q, r, Vector256<float>.One);

        Vector256<float> scale = ((shifted.AsInt32() + Vector256.Create(127)) << 23).AsSingle();
        return q * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundShift));
        Vector512<float> n = shifted - Vector512.Create(RoundShift);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);

        Vector512<float> q = Vector512.FusedMultiplyAdd(Vector512.Create(E6), r, Vector512.Create(E5));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(E4));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(E3));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(E2));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512<float>.One);
        q = Vector512.FusedMultiplyAdd(q, r, Vector512<float>.One);

        Vector512<float> scale = ((shifted.AsInt32() + Vector512.Create(127)) << 23).AsSingle();
        return q * scale;
    }
}
