using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests.Training;

public class GradientClippingTests
{
    [Fact]
    public void ByValue_clamps_and_counts()
    {
        float[] g = [-3f, 0.5f, 2f, -0.2f, 1f, -1f, float.NaN, float.NegativeInfinity];
        int clipped = GradientClipping.ByValue(g, 1);
        Assert.Equal(3, clipped); // −3, 2 and −∞; ±1 are at the limit, not beyond it; NaN is left alone
        Assert.Equal([-1f, 0.5f, 1f, -0.2f, 1f, -1f], g[..6]);
        Assert.True(float.IsNaN(g[6]));
        Assert.Equal(-1f, g[7]);
    }

    [Fact]
    public void ByValue_with_an_infinite_or_zero_limit()
    {
        float[] g = [3f, -4f];
        Assert.Equal(0, GradientClipping.ByValue(g, double.PositiveInfinity));
        Assert.Equal([3f, -4f], g);
        Assert.Equal(2, GradientClipping.ByValue(g, 0));
        Assert.Equal([0f, 0f], g);
    }

    [Fact]
    public void ByValue_rejects_a_negative_or_NaN_limit()
    {
        float[] g = [3f];
        Assert.Equal("maxValue", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ByValue(g, -1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ByValue(g, double.NaN));
        Assert.Equal(3f, g[0]);
    }

    [Fact]
    public void ByNorm_by_hand()
    {
        float[] g = [3f, 4f];
        float total = GradientClipping.ByNorm(g, 1);
        Assert.Equal(5f, total);
        double factor = 1.0 / (5.0 + 1e-6); // PyTorch: max / (total + 1e-6)
        Assert.Equal(3 * factor, g[0], 6);
        Assert.Equal(4 * factor, g[1], 6);
    }

    [Fact]
    public void ByNorm_below_the_limit_changes_nothing()
    {
        float[] g = TestData.Uniform(1000, 1);
        float[] copy = (float[])g.Clone();
        double expected = Math.Sqrt(copy.Sum(x => (double)x * x));
        float total = GradientClipping.ByNorm(g, (float)expected * 1.01f);
        Assert.Equal(expected, total, 1e-4);
        Assert.Equal(copy, g);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(10007)]
    public void ByNorm_matches_a_double_computation(int n)
    {
        float[] g = TestData.Uniform(n, n, -3f, 3f);
        double[] expected = TorchReference.ToDouble(g);
        double total = Math.Sqrt(expected.Sum(x => x * x));
        const double max = 0.5;
        double factor = max / (total + 1e-6);
        for (int i = 0; i < n; i++)
        {
            expected[i] *= factor;
        }

        float returned = GradientClipping.ByNorm(g, (float)max);
        Assert.True(Math.Abs(returned - total) <= 1e-6 * total, $"norm {returned} vs {total}");
        TestData.AssertClose(expected, g, 1e-6, 1e-9);
        Assert.Equal(max, Math.Sqrt(g.Sum(x => (double)x * x)), 1e-5);
    }

    [Fact]
    public void ByNorm_does_not_overflow_on_huge_gradients()
    {
        float[] g = new float[300];
        Array.Fill(g, 1e30f); // g² overflows float
        float total = GradientClipping.ByNorm(g, 1);
        Assert.Equal(1e30 * Math.Sqrt(300), total, 1e24);
        Assert.All(g, x => Assert.Equal(1.0 / Math.Sqrt(300), x, 1e-6));
    }

    [Fact]
    public void ByNorm_reports_non_finite_norms()
    {
        float[] g = [1f, float.NaN];
        Assert.True(float.IsNaN(GradientClipping.ByNorm(g, 1)));
        float[] h = [1f, float.PositiveInfinity];
        Assert.True(float.IsPositiveInfinity(GradientClipping.ByNorm(h, 1)));
    }

    [Fact]
    public void ByNorm_with_a_zero_limit_zeroes_and_rejects_negative_limits()
    {
        float[] g = [1f, -2f];
        Assert.Equal(MathF.Sqrt(5), GradientClipping.ByNorm(g, 0), 6);
        Assert.All(g, x => Assert.Equal(0f, x));
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ByNorm(g, -1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ByNorm(g, double.NaN));
    }

    [Fact]
    public void Clipping_does_not_allocate()
    {
        float[] g = TestData.Uniform(5000, 3, -2f, 2f);
        GradientClipping.ByNorm(g, 1);
        GradientClipping.ByValue(g, 0.01);
        AllocationAssert.NothingAllocated(
            () =>
            {
                for (int i = 0; i < 200; i++)
                {
                    GradientClipping.ByNorm(g, 1 + i);
                    GradientClipping.ByValue(g, 0.01 * i);
                }
            },
            "200 rounds of clipping");
    }
}
