namespace GenRnn.Tests.Training;

internal static class TestData
{
    public static float[] Uniform(int n, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(low + (high - low) * random.NextDouble());
        }

        return x;
    }

    public static float[][] Gradients(int steps, int n, int seed)
    {
        var g = new float[steps][];
        for (int t = 0; t < steps; t++)
        {
            g[t] = Uniform(n, seed * 1000 + t, -2f, 2f);
        }

        return g;
    }

    /// <summary>Asserts |actual − expected| ≤ abs + rel·|expected| element-wise, naming the first failure.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double rel, double abs)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = abs + rel * Math.Abs(expected[i]);
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance))
            {
                Xunit.Assert.Fail($"Element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:G3}).");
            }
        }
    }
}
