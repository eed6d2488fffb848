using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenRnn;

/// <summary>
/// Gate activations shared by generated code, scalar and vector: sigmoid within 1.6e-7 and tanh within 3e-7 relative
/// of the exact value.
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

    // tanh x = x P(x^2) / Q(x^2), the 13/6 rational minimax of Eigen and MLAS, for |x| < TanhClamp; above it +-1
    // (within 2.7e-7 of the true value there; the rational itself would pass 1 a little further on); below TanhTiny, tanh x = x in float (and P/Q would lose subnormals). One division and a
    // chain of 8 FMAs: about half the latency of 1 - 2 / (e^2x + 1), which matters because tanh(c) sits on the
    // step-to-step dependency chain of an LSTM. Max relative error 2.9e-7.
    private const float TanhClamp = 7.90531110763549805f;
    private const float TanhTiny = 0.0004f;
    private const float A1 = 4.89352455891786e-03f;
    private const float A3 = 6.37261928875436e-04f;
    private const float A5 = 1.48572235717979e-05f;
    private const float A7 = 5.12229709037114e-08f;
    private const float A9 = -8.60467152213735e-11f;
    private const float A11 = 2.00018790482477e-13f;
    private const float A13 = -2.76076847742355e-16f;
    private const float B0 = 4.89352518554385e-03f;
    private const float B2 = 2.26843463243900e-03f;
    private const float B4 = 1.18534705686654e-04f;
    private const float B6 = 1.19825839466702e-06f;

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
        Vector256<float> z = x * x;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(A13), z, Vector256.Create(A11));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(A9));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(A7));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(A5));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(A3));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(A1));
        Vector256<float> q = Vector256.FusedMultiplyAdd(Vector256.Create(B6), z, Vector256.Create(B4));
        q = Vector256.FusedMultiplyAdd(q, z, Vector256.Create(B2));
        q = Vector256.FusedMultiplyAdd(q, z, Vector256.Create(B0));

        // Both comparisons are off the critical path. NaN fails them and comes out of the division; infinities
        // (whose P/Q would be NaN) take the saturated branch.
        Vector256<float> a = Vector256.Abs(x);
        Vector256<float> saturated = Vector256.ConditionalSelect(
            Vector256.GreaterThanOrEqual(a, Vector256.Create(TanhClamp)), Vector256.CopySign(Vector256<float>.One, x), p * x / q);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(TanhTiny)), x, saturated);
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
        Vector512<float> z = x * x;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(A13), z, Vector512.Create(A11));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(A9));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(A7));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(A5));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(A3));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(A1));
        Vector512<float> q = Vector512.FusedMultiplyAdd(Vector512.Create(B6), z, Vector512.Create(B4));
        q = Vector512.FusedMultiplyAdd(q, z, Vector512.Create(B2));
        q = Vector512.FusedMultiplyAdd(q, z, Vector512.Create(B0));

        // Both comparisons are off the critical path. NaN fails them and comes out of the division; infinities
        // (whose P/Q would be NaN) take the saturated branch.
        Vector512<float> a = Vector512.Abs(x);
        Vector512<float> saturated = Vector512.ConditionalSelect(
            Vector512.GreaterThanOrEqual(a, Vector512.Create(TanhClamp)), Vector512.CopySign(Vector512<float>.One, x), p * x / q);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(TanhTiny)), x, saturated);
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
        Vector128<float> z = x * x;
        Vector128<float> p = Vector128.FusedMultiplyAdd(Vector128.Create(A13), z, Vector128.Create(A11));
        p = Vector128.FusedMultiplyAdd(p, z, Vector128.Create(A9));
        p = Vector128.FusedMultiplyAdd(p, z, Vector128.Create(A7));
        p = Vector128.FusedMultiplyAdd(p, z, Vector128.Create(A5));
        p = Vector128.FusedMultiplyAdd(p, z, Vector128.Create(A3));
        p = Vector128.FusedMultiplyAdd(p, z, Vector128.Create(A1));
        Vector128<float> q = Vector128.FusedMultiplyAdd(Vector128.Create(B6), z, Vector128.Create(B4));
        q = Vector128.FusedMultiplyAdd(q, z, Vector128.Create(B2));
        q = Vector128.FusedMultiplyAdd(q, z, Vector128.Create(B0));

        // Both comparisons are off the critical path. NaN fails them and comes out of the division; infinities
        // (whose P/Q would be NaN) take the saturated branch.
        Vector128<float> a = Vector128.Abs(x);
        Vector128<float> saturated = Vector128.ConditionalSelect(
            Vector128.GreaterThanOrEqual(a, Vector128.Create(TanhClamp)), Vector128.CopySign(Vector128<float>.One, x), p * x / q);
        return Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(TanhTiny)), x, saturated);
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
