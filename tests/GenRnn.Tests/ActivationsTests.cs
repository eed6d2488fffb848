using System.Runtime.Intrinsics;
using Xunit;

namespace GenRnn.Tests;

public class ActivationsTests
{
    // Measured over all 2^32 float inputs: sigmoid 1.57e-7 (at x = -16.92), identical for every width; the
    // rational tanh over every positive float below 10 (it is odd, bit for bit; above 7.9 it is 1): 2.92e-7 at x = 5.126. The bounds leave a little room, not enough
    // to hide a bad coefficient.
    private const double MaxRelativeError = 2e-7;
    private const double TanhMaxRelativeError = 3.5e-7;

    // Sigmoid stops at sigmoid(-87) = 1.6e-38 so results stay normal floats; below this, absolute error counts.
    private const double SigmoidFloor = 1e-37;

    private static readonly float[] Inputs = CreateInputs();

    // Evaluated once: the tests run unoptimized builds, where every vector operation is a call.
    private static readonly Lazy<(string Width, float[] Ys)[]> SigmoidResults =
        new(() => EvaluateAllWidths(Activations.Sigmoid, Activations.Sigmoid, Activations.Sigmoid));

    private static readonly Lazy<(string Width, float[] Ys)[]> TanhResults =
        new(() => EvaluateAllWidths(Activations.Tanh, Activations.Tanh, Activations.Tanh));

    [Fact]
    public void Sigmoid_MatchesDoublePrecision()
    {
        foreach ((string width, float[] ys) in SigmoidResults.Value)
        {
            AssertAccurate(width, ys, x => 1 / (1 + Math.Exp(-x)), SigmoidFloor);
        }
    }

    [Fact]
    public void Tanh_MatchesDoublePrecision()
    {
        // No floor: tanh of tiny inputs must stay relatively accurate all the way to subnormals.
        foreach ((string width, float[] ys) in TanhResults.Value)
        {
            AssertAccurate(width, ys, Math.Tanh, floor: 0, TanhMaxRelativeError);
        }
    }

    [Fact]
    public void ScalarAndVectorLanes_AgreeBitForBit()
    {
        AssertIdentical("Sigmoid", SigmoidResults.Value);
        AssertIdentical("Tanh", TanhResults.Value);
    }

    [Fact]
    public void SpecialValues()
    {
        Assert.Equal(1f, Activations.Sigmoid(100f));
        Assert.Equal(1f, Activations.Sigmoid(float.PositiveInfinity));
        Assert.Equal(0.5f, Activations.Sigmoid(0f));
        Assert.Equal(0.5f, Activations.Sigmoid(-0f));
        Assert.InRange(Activations.Sigmoid(-100f), 0f, 1e-30f);
        Assert.InRange(Activations.Sigmoid(float.NegativeInfinity), 0f, 1e-30f);
        Assert.True(float.IsNaN(Activations.Sigmoid(float.NaN)));

        Assert.Equal(1f, Activations.Tanh(100f));
        Assert.Equal(-1f, Activations.Tanh(-100f));
        Assert.Equal(1f, Activations.Tanh(float.PositiveInfinity));
        Assert.Equal(-1f, Activations.Tanh(float.NegativeInfinity));
        Assert.True(float.IsPositive(Activations.Tanh(0f)) && Activations.Tanh(0f) == 0f);
        Assert.True(float.IsNegative(Activations.Tanh(-0f)) && Activations.Tanh(-0f) == 0f);
        Assert.Equal(1e-5, Activations.Tanh(1e-5f), 1e-5 * 1e-6);
        Assert.Equal(float.Epsilon, Activations.Tanh(float.Epsilon));
        Assert.True(float.IsNaN(Activations.Tanh(float.NaN)));
    }

    private static float[] CreateInputs()
    {
        var xs = new List<float>();

        // Dense grid over the range where both functions vary; the double step gives assorted mantissas.
        const int steps = 200_000;
        for (int i = 0; i <= steps; i++)
        {
            xs.Add((float)(-20 + 40.0 * i / steps));
        }

        // Every binade from subnormal to MaxValue, both signs.
        for (int k = -149; k <= 127; k++)
        {
            for (int j = 0; j < 16; j++)
            {
                float v = MathF.ScaleB(1 + j / 16f, k);
                xs.Add(v);
                xs.Add(-v);
            }
        }

        // A stride through all bit patterns: arbitrary mantissas everywhere, infinities' neighbours, NaN payloads.
        for (long bits = 0; bits < 1L << 32; bits += 16381)
        {
            xs.Add(BitConverter.UInt32BitsToSingle((uint)bits));
        }

        // Around the tanh branch point and the exp clamps.
        foreach (float edge in new[] { 0.625f, 43.5f, 87f })
        {
            float up = edge, down = edge;
            for (int i = 0; i < 64; i++, up = MathF.BitIncrement(up), down = MathF.BitDecrement(down))
            {
                xs.AddRange([up, down, -up, -down]);
            }
        }

        xs.AddRange(
        [
            0f, -0f, float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity,
            float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-5f, -1e-5f, 100f, -100f,
        ]);
        return xs.ToArray();
    }

    private static (string Width, float[] Ys)[] EvaluateAllWidths(
        Func<float, float> scalar,
        Func<Vector256<float>, Vector256<float>> v256,
        Func<Vector512<float>, Vector512<float>> v512)
    {
        float[] ys = new float[Inputs.Length];
        for (int i = 0; i < Inputs.Length; i++)
        {
            ys[i] = scalar(Inputs[i]);
        }

        return [("scalar", ys), ("Vector256", Lanes(Inputs, v256)), ("Vector512", Lanes(Inputs, v512))];
    }

    private static float[] Lanes(float[] xs, Func<Vector256<float>, Vector256<float>> f)
    {
        int n = Vector256<float>.Count;
        float[] padded = new float[(xs.Length + n - 1) / n * n];
        xs.CopyTo(padded, 0);
        float[] ys = new float[padded.Length];
        for (int i = 0; i < padded.Length; i += n)
        {
            f(Vector256.Create(padded, i)).CopyTo(ys, i);
        }

        return ys[..xs.Length];
    }

    private static float[] Lanes(float[] xs, Func<Vector512<float>, Vector512<float>> f)
    {
        int n = Vector512<float>.Count;
        float[] padded = new float[(xs.Length + n - 1) / n * n];
        xs.CopyTo(padded, 0);
        float[] ys = new float[padded.Length];
        for (int i = 0; i < padded.Length; i += n)
        {
            f(Vector512.Create(padded, i)).CopyTo(ys, i);
        }

        return ys[..xs.Length];
    }

    // Relative error where |exact| >= floor, absolute error at most floor below it; NaN for NaN and only for NaN.
    private static void AssertAccurate(string width, float[] ys, Func<double, double> exact, double floor, double maxRelativeError = MaxRelativeError)
    {
        (double Error, int At) relative = (-1, 0), absolute = (-1, 0);
        for (int i = 0; i < Inputs.Length; i++)
        {
            float x = Inputs[i];
            double want = exact(x);
            if (float.IsNaN(x) != float.IsNaN(ys[i]))
            {
                Assert.Fail($"{width}: f({x:R}) = {ys[i]:R}");
            }
            else if (float.IsNaN(x))
            {
                continue;
            }
            else if (Math.Abs(want) >= floor && want != 0)
            {
                relative = Worse(relative, (Math.Abs(ys[i] - want) / Math.Abs(want), i));
            }
            else
            {
                absolute = Worse(absolute, (Math.Abs(ys[i] - want), i));
            }
        }

        Assert.True(relative.Error <= maxRelativeError, Describe("relative", relative));
        Assert.True(absolute.Error <= floor, Describe("absolute", absolute));

        static (double, int) Worse((double Error, int At) a, (double Error, int At) b) => b.Error > a.Error ? b : a;

        string Describe(string kind, (double Error, int At) worst) =>
            $"{width}: {kind} error {worst.Error:E3} at x = {Inputs[worst.At]:R}: got {ys[worst.At]:R}, want {exact(Inputs[worst.At]):R}";
    }

    private static void AssertIdentical(string name, (string Width, float[] Ys)[] results)
    {
        float[] scalar = results[0].Ys;
        foreach ((string width, float[] ys) in results[1..])
        {
            for (int i = 0; i < scalar.Length; i++)
            {
                if (BitConverter.SingleToUInt32Bits(ys[i]) != BitConverter.SingleToUInt32Bits(scalar[i]))
                {
                    Assert.Fail($"{name}({Inputs[i]:R}): scalar {scalar[i]:R}, {width} lane {ys[i]:R}");
                }
            }
        }
    }
}
