using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests.Training;

public class LossTests
{
    // ---------- independent double references ----------

    private static double CrossEntropy(float[] logits, int classes, int[] targets, float[]? weights, out double[] gradient)
    {
        int steps = targets.Length;
        double total = 0, sum = 0;
        gradient = new double[logits.Length];
        for (int t = 0; t < steps; t++)
        {
            total += weights?[t] ?? 1;
        }

        for (int t = 0; t < steps; t++)
        {
            double w = weights?[t] ?? 1;
            double z = 0;
            for (int k = 0; k < classes; k++)
            {
                z += Math.Exp(logits[t * classes + k]); // no max subtraction: only for moderate logits
            }

            sum += w * -Math.Log(Math.Exp(logits[t * classes + targets[t]]) / z);
            for (int k = 0; k < classes; k++)
            {
                double softmax = Math.Exp(logits[t * classes + k]) / z;
                gradient[t * classes + k] = w * (softmax - (k == targets[t] ? 1 : 0)) / total;
            }
        }

        return sum / total;
    }

    private static double BinaryCrossEntropy(float[] x, float[] y, float[]? weights, out double[] gradient)
    {
        double total = 0, sum = 0;
        gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            total += weights?[i] ?? 1;
        }

        for (int i = 0; i < x.Length; i++)
        {
            double w = weights?[i] ?? 1;
            double p = 1 / (1 + Math.Exp(-x[i]));
            sum += w * -(y[i] * Math.Log(p) + (1 - y[i]) * Math.Log(1 - p)); // naive: only for moderate logits
            gradient[i] = w * (p - y[i]) / total;
        }

        return sum / total;
    }

    private static void AssertGradientMatchesFiniteDifferences(float[] x, float[] gradient, Func<float[], float> loss, double h, double tolerance)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float saved = x[i];
            x[i] = saved + (float)h;
            double plus = loss(x);
            x[i] = saved - (float)h;
            double minus = loss(x);
            x[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= tolerance, $"d/dx[{i}]: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    private static int[] RandomTargets(int steps, int classes, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, steps).Select(_ => r.Next(classes)).ToArray();
    }

    // ---------- softmax cross-entropy ----------

    [Fact]
    public void CrossEntropy_by_hand()
    {
        float[] grad = new float[2];
        float loss = SoftmaxCrossEntropy.LossAndGradient([0f, 0f], 2, [0], grad);
        Assert.Equal(MathF.Log(2), loss, 6);
        Assert.Equal([-0.5f, 0.5f], grad);

        // Two steps, mean: step 0 as above, step 1 logits (ln 3, 0) target 0: CE = ln(4/3), grad (3/4 − 1, 1/4)/2.
        float[] g2 = new float[4];
        float l2 = SoftmaxCrossEntropy.LossAndGradient([0f, 0f, MathF.Log(3), 0f], 2, [0, 0], g2);
        Assert.Equal((Math.Log(2) + Math.Log(4.0 / 3)) / 2, l2, 6);
        Assert.Equal(-0.25, g2[0], 6);
        Assert.Equal(0.25, g2[1], 6);
        Assert.Equal(-0.125, g2[2], 6);
        Assert.Equal(0.125, g2[3], 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CrossEntropy_matches_the_double_formula(bool weighted)
    {
        const int steps = 6, classes = 7;
        float[] logits = TestData.Uniform(steps * classes, 1, -4f, 4f);
        int[] targets = RandomTargets(steps, classes, 2);
        float[]? weights = weighted ? [1f, 0f, 0.5f, 2f, 1f, 0.25f] : null;
        double expected = CrossEntropy(logits, classes, targets, weights, out double[] expectedGradient);
        float[] gradient = new float[logits.Length];
        float loss = SoftmaxCrossEntropy.LossAndGradient(logits, classes, targets, gradient, weights);
        Assert.Equal(expected, loss, 1e-6 * expected);
        Assert.Equal(expected, SoftmaxCrossEntropy.Loss(logits, classes, targets, weights), 1e-6 * expected);
        TestData.AssertClose(expectedGradient, gradient, 1e-5, 1e-7);
    }

    [Fact]
    public void CrossEntropy_gradient_matches_finite_differences()
    {
        const int steps = 4, classes = 5;
        float[] logits = TestData.Uniform(steps * classes, 3, -2f, 2f);
        int[] targets = RandomTargets(steps, classes, 4);
        float[] weights = [1f, 0.5f, 0f, 2f];
        float[] gradient = new float[logits.Length];
        SoftmaxCrossEntropy.LossAndGradient(logits, classes, targets, gradient, weights);
        AssertGradientMatchesFiniteDifferences(logits, gradient, x => SoftmaxCrossEntropy.Loss(x, classes, targets, weights), 1e-2, 2e-4);
    }

    [Fact]
    public void CrossEntropy_is_stable_for_huge_logits()
    {
        float[] logits = [1000f, -1000f, 0f, 1000f, -1000f, 0f];
        float[] gradient = new float[6];
        float loss = SoftmaxCrossEntropy.LossAndGradient(logits, 3, [1, 0], gradient);
        Assert.Equal(1000f, loss, 3); // (2000 + 0) / 2
        Assert.Equal(1000f, SoftmaxCrossEntropy.Loss(logits, 3, [1, 0]), 3);
        Assert.Equal([0.5f, -0.5f, 0f, 0f, 0f, 0f], gradient);
    }

    [Fact]
    public void CrossEntropy_mask_removes_steps_from_the_mean()
    {
        const int classes = 4;
        float[] logits = TestData.Uniform(3 * classes, 5, -3f, 3f);
        int[] targets = [2, 0, 3];
        float[] gradient = new float[logits.Length];
        float masked = SoftmaxCrossEntropy.LossAndGradient(logits, classes, targets, gradient, [1f, 0f, 1f]);

        float[] kept = [.. logits[..classes], .. logits[(2 * classes)..]];
        float[] keptGradient = new float[kept.Length];
        float expected = SoftmaxCrossEntropy.LossAndGradient(kept, classes, [2, 3], keptGradient);
        Assert.Equal(expected, masked, 6);
        Assert.Equal(keptGradient[..classes], gradient[..classes]);
        Assert.Equal(new float[classes], gradient[classes..(2 * classes)]);
        Assert.Equal(keptGradient[classes..], gradient[(2 * classes)..]);
    }

    [Fact]
    public void CrossEntropy_with_nothing_counted_is_zero_with_zero_gradients()
    {
        float[] gradient = [float.NaN, float.NaN, float.NaN, float.NaN];
        Assert.Equal(0f, SoftmaxCrossEntropy.LossAndGradient([1f, 2f, 3f, 4f], 2, [0, 1], gradient, [0f, 0f]));
        Assert.Equal(new float[4], gradient);
        Assert.Equal(0f, SoftmaxCrossEntropy.Loss([], 3, []));
    }

    [Fact]
    public void CrossEntropy_in_place_gives_the_same_result()
    {
        float[] logits = TestData.Uniform(15, 6, -3f, 3f);
        int[] targets = [0, 4, 2];
        float[] gradient = new float[15];
        float loss = SoftmaxCrossEntropy.LossAndGradient(logits, 5, targets, gradient);
        float[] inPlace = (float[])logits.Clone();
        float loss2 = SoftmaxCrossEntropy.LossAndGradient(inPlace, 5, targets, inPlace);
        Assert.Equal(loss, loss2);
        Assert.Equal(gradient, inPlace);
    }

    [Fact]
    public void CrossEntropy_validates_its_arguments_before_writing()
    {
        float[] logits = new float[6];
        float[] gradient = [7f, 7f, 7f, 7f, 7f, 7f];
        void Check(string parameter, Action action)
        {
            var e = Assert.ThrowsAny<ArgumentException>(action);
            Assert.Equal(parameter, e.ParamName);
            Assert.All(gradient, g => Assert.Equal(7f, g));
        }

        Check("targets", () => SoftmaxCrossEntropy.LossAndGradient(logits, 3, [0, 3], gradient));
        Check("targets", () => SoftmaxCrossEntropy.LossAndGradient(logits, 3, [-1, 0], gradient));
        Check("logits", () => SoftmaxCrossEntropy.LossAndGradient(logits, 3, [0], gradient));
        Check("logits", () => SoftmaxCrossEntropy.Loss(logits, 4, [0, 1]));
        Check("gradients", () => SoftmaxCrossEntropy.LossAndGradient(logits, 3, [0, 1], gradient.AsSpan(1)));
        Check("weights", () => SoftmaxCrossEntropy.LossAndGradient(logits, 3, [0, 1], gradient, [1f]));
        Check("weights", () => SoftmaxCrossEntropy.LossAndGradient(logits, 3, [0, 1], gradient, [1f, -1f]));
        Check("weights", () => SoftmaxCrossEntropy.LossAndGradient(logits, 3, [0, 1], gradient, [1f, float.NaN]));
        Check("weights", () => SoftmaxCrossEntropy.LossAndGradient(logits, 3, [0, 1], gradient, [1f, float.PositiveInfinity]));
        Check("classes", () => SoftmaxCrossEntropy.LossAndGradient(logits, 0, [0, 1], gradient));
        Assert.Contains("outside [0, 3)", Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Loss(logits, 3, [0, 3])).Message);
    }

    // ---------- binary cross-entropy ----------

    [Fact]
    public void BinaryCrossEntropy_by_hand()
    {
        float[] gradient = new float[2];
        float loss = SigmoidBinaryCrossEntropy.LossAndGradient([0f, 0f], [1f, 0.5f], gradient);
        Assert.Equal(MathF.Log(2), loss, 6); // both elements ln 2
        Assert.Equal(-0.25f, gradient[0], 7); // (σ(0) − 1)/2
        Assert.Equal(0f, gradient[1], 7);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BinaryCrossEntropy_matches_the_double_formula(bool weighted)
    {
        float[] x = TestData.Uniform(9, 7, -6f, 6f);
        float[] y = TestData.Uniform(9, 8, 0f, 1f);
        y[0] = 0f;
        y[1] = 1f;
        float[]? w = weighted ? TestData.Uniform(9, 9, 0f, 2f) : null;
        double expected = BinaryCrossEntropy(x, y, w, out double[] expectedGradient);
        float[] gradient = new float[9];
        float loss = SigmoidBinaryCrossEntropy.LossAndGradient(x, y, gradient, w);
        Assert.Equal(expected, loss, 1e-6 * expected);
        Assert.Equal(expected, SigmoidBinaryCrossEntropy.Loss(x, y, w), 1e-6 * expected);
        TestData.AssertClose(expectedGradient, gradient, 1e-5, 1e-7);
    }

    [Fact]
    public void BinaryCrossEntropy_is_stable_for_huge_logits()
    {
        float[] gradient = new float[4];
        float loss = SigmoidBinaryCrossEntropy.LossAndGradient([100f, -100f, 100f, -200f], [0f, 1f, 1f, 0f], gradient);
        Assert.Equal(50f, loss, 4); // (100 + 100 + ~0 + ~0) / 4
        Assert.Equal([0.25f, -0.25f, 0f, 0f], gradient);
    }

    [Fact]
    public void BinaryCrossEntropy_gradient_matches_finite_differences()
    {
        float[] x = TestData.Uniform(8, 10, -3f, 3f);
        float[] y = TestData.Uniform(8, 11, 0f, 1f);
        float[] w = [1f, 0f, 2f, 1f, 0.5f, 1f, 1f, 3f];
        float[] gradient = new float[8];
        SigmoidBinaryCrossEntropy.LossAndGradient(x, y, gradient, w);
        AssertGradientMatchesFiniteDifferences(x, gradient, v => SigmoidBinaryCrossEntropy.Loss(v, y, w), 1e-2, 2e-4);
    }

    [Fact]
    public void BinaryCrossEntropy_validates_its_arguments()
    {
        float[] gradient = new float[2];
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => SigmoidBinaryCrossEntropy.LossAndGradient([0f, 0f], [0.5f, 1.5f], gradient)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => SigmoidBinaryCrossEntropy.Loss([0f, 0f], [0.5f, float.NaN])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => SigmoidBinaryCrossEntropy.Loss([0f, 0f], [0.5f])).ParamName);
        Assert.Equal("gradients", Assert.Throws<ArgumentException>(() => SigmoidBinaryCrossEntropy.LossAndGradient([0f, 0f], [0f, 1f], new float[3])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => SigmoidBinaryCrossEntropy.Loss([0f, 0f], [0f, 1f], [1f, -2f])).ParamName);
    }

    // ---------- mean squared error ----------

    [Fact]
    public void MeanSquaredError_by_hand()
    {
        float[] gradient = new float[2];
        float loss = MeanSquaredError.LossAndGradient([1f, 2f], [0f, 0f], gradient);
        Assert.Equal(2.5f, loss);
        Assert.Equal([1f, 2f], gradient); // 2·(x − y)/n

        float weighted = MeanSquaredError.LossAndGradient([1f, 2f], [0f, 0f], gradient, [3f, 1f]);
        Assert.Equal(7f / 4f, weighted); // (3·1 + 1·4)/4
        Assert.Equal([1.5f, 1f], gradient); // 2·w·d/4
    }

    [Fact]
    public void MeanSquaredError_gradient_matches_finite_differences()
    {
        float[] x = TestData.Uniform(10, 12, -3f, 3f);
        float[] y = TestData.Uniform(10, 13, -3f, 3f);
        float[] w = TestData.Uniform(10, 14, 0f, 1f);
        float[] gradient = new float[10];
        float loss = MeanSquaredError.LossAndGradient(x, y, gradient, w);
        double expected = 0, total = 0;
        for (int i = 0; i < 10; i++)
        {
            expected += w[i] * ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
            total += w[i];
        }

        Assert.Equal(expected / total, loss, 1e-6);
        AssertGradientMatchesFiniteDifferences(x, gradient, v => MeanSquaredError.Loss(v, y, w), 1e-2, 2e-4);
    }

    [Fact]
    public void MeanSquaredError_ignores_masked_infinities_and_validates()
    {
        float[] gradient = new float[2];
        Assert.Equal(1f, MeanSquaredError.LossAndGradient([1f, float.PositiveInfinity], [0f, 0f], gradient, [1f, 0f]));
        Assert.Equal([2f, 0f], gradient); // the masked infinity contributes an exact 0, not NaN
        float[] bceGradient = new float[2];
        Assert.Equal(MathF.Log(2), SigmoidBinaryCrossEntropy.LossAndGradient([0f, float.NaN], [1f, 1f], bceGradient, [1f, 0f]), 6);
        Assert.Equal([-0.5f, 0f], bceGradient);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => MeanSquaredError.Loss([1f], [1f, 2f])).ParamName);
        Assert.Equal("gradients", Assert.Throws<ArgumentException>(() => MeanSquaredError.LossAndGradient([1f], [1f], new float[2])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => MeanSquaredError.Loss([1f], [1f], [1f, 1f])).ParamName);
    }
}
