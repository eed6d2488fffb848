using GenRnn.Reference;
using GenRnn.Tests.Golden;
using Xunit;

namespace GenRnn.Tests;

/// <summary>
/// The double-precision reference against PyTorch's golden values (tight tolerance), and against central finite
/// differences of itself on random stacked models with heads.
/// </summary>
public sealed partial class ReferenceModelTests
{
    private static readonly Tolerance Tight = Tolerance.Double;

    public static TheoryData<string> LayerCases => GoldenData.LayerCaseNames();

    public static TheoryData<string> ModelCases => GoldenData.ModelCaseNames();

    public static TheoryData<string> TrainingCases => GoldenData.TrainingCaseNames();

    // =============================================================================================================
    // PyTorch golden values
    // =============================================================================================================

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void LayerCaseMatchesPyTorch(string name) => AssertLayerCase(GoldenData.Instance.LayerCase(name));

    /// <summary>The reference against a layer case: outputs, final state, loss, every gradient.</summary>
    internal static void AssertLayerCase(GoldenLayerCase g)
    {
        ModelDescription d = g.Describe();
        var model = new ReferenceModel(d, g.ImportParameters(d));
        ReferenceTrace trace = model.CreateTrace();

        double[] state = g.InitialState(d);
        var y = new double[g.Steps * g.HiddenSize];
        model.Forward(g.Inputs(), state, y, trace);

        Tight.AssertClose("y", GoldenData.Flatten(g.Y), y);
        AssertState(d, "hT", g.HT, "cT", g.CT, state);
        double[] dy = GoldenData.Flatten(g.Dy);
        double[] stateGradient = g.FinalStateGradient(d);
        Tight.AssertClose("loss", g.Loss, Dot(y, dy) + Dot(state, stateGradient));

        var gradients = new double[d.ParameterCount];
        var dx = new double[g.Steps * g.InputSize];
        model.Backward(trace, dy, stateGradient, dx, gradients);

        Tight.AssertTensors("gradient of", d, g.GradientTensors(), gradients);
        Tight.AssertClose("grad_x", GoldenData.Flatten(g.GradX), dx);
        AssertState(d, "grad_h0", g.GradH0, "grad_c0", g.GradC0, stateGradient);
    }

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void ModelCaseLogitsMatchPyTorch(string name) => AssertModelCaseLogits(GoldenData.Instance.ModelCase(name));

    /// <summary>The reference against a model case: logits, loss, every gradient.</summary>
    internal static void AssertModelCaseLogits(GoldenModelCase g)
    {
        ModelDescription d = g.Describe(Activation.Identity);
        var model = new ReferenceModel(d, g.ImportParameters(d));
        ReferenceTrace trace = model.CreateTrace();

        var logits = new double[g.Steps * g.Classes];
        model.Forward(g.Tokens, new double[model.StateSize], logits, trace);
        Tight.AssertClose("logits", GoldenData.Flatten(g.Logits), logits);

        // Softmax cross-entropy on the logits: loss = mean_t -log p_t[target];  dz_t = (p_t - onehot(target)) / N
        double[] p = Softmax(logits, g.Classes);
        Tight.AssertClose("loss", g.Loss, CrossEntropy(g, p));
        var gradients = new double[d.ParameterCount];
        model.Backward(trace, CrossEntropyLogitGradient(g, p), new double[model.StateSize], default, gradients);
        Tight.AssertTensors("gradient of", d, g.GradientTensors(), gradients);
    }

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void ModelCaseProbabilitiesMatchPyTorch(string name)
    {
        GoldenModelCase g = GoldenData.Instance.ModelCase(name);
        ModelDescription d = g.Describe(Activation.Softmax);
        var model = new ReferenceModel(d, g.ImportParameters(d));
        ReferenceTrace trace = model.CreateTrace();

        var p = new double[g.Steps * g.Classes];
        model.Forward(g.Tokens, new double[model.StateSize], p, trace);
        Tight.AssertClose("probabilities", Softmax(GoldenData.Flatten(g.Logits), g.Classes), p);
        for (int t = 0; t < g.Steps; t++)
        {
            Tight.AssertClose($"trace logits at step {t}", g.Logits[t], trace.Logits(t));
        }

        Tight.AssertClose("loss", g.Loss, CrossEntropy(g, p));

        // Through the softmax: dL/dp_t[target] = -1 / (N p_t[target]), zero elsewhere.
        var dp = new double[p.Length];
        for (int t = 0; t < g.Steps; t++)
        {
            if (g.Target(t) is int k)
            {
                dp[t * g.Classes + k] = -1 / (g.TargetCount * p[t * g.Classes + k]);
            }
        }

        var gradients = new double[d.ParameterCount];
        model.Backward(trace, dp, new double[model.StateSize], default, gradients);
        Tight.AssertTensors("gradient (through softmax) of", d, g.GradientTensors(), gradients);

        // Fused: dL/dz_t = (p_t - onehot(target)) / N.
        var fused = new double[d.ParameterCount];
        model.BackwardFromLogits(trace, CrossEntropyLogitGradient(g, p), new double[model.StateSize], default, fused);
        Tight.AssertTensors("gradient (from logits) of", d, g.GradientTensors(), fused);
    }

    /// <summary>
    /// The first update of a training case, before any optimizer step: the batch loss (mean over sequences of the
    /// mean cross-entropy over the first chunk's steps) and, when the case clips, the total gradient norm or the
    /// number of elements beyond the clip value.
    /// </summary>
    [Theory]
    [MemberData(nameof(TrainingCases))]
    public void TrainingCaseFirstLossAndGradientMatchPyTorch(string name)
    {
        GoldenTrainingCase g = GoldenData.Instance.TrainingCase(name);
        ModelDescription d = g.Describe();
        var model = new ReferenceModel(d, g.Initial.ImportParameters(d));
        ReferenceTrace trace = model.CreateTrace();
        int steps = g.Tbptt?.Chunk ?? g.Steps;
        int sequences = g.Sequences.Length;

        double loss = 0;
        var gradients = new double[d.ParameterCount];
        for (int s = 0; s < sequences; s++)
        {
            var logits = new double[steps * g.Classes];
            model.Forward(g.Sequences[s].AsSpan(0, steps), new double[model.StateSize], logits, trace);
            double[] p = Softmax(logits, g.Classes);
            var dz = new double[p.Length];
            for (int t = 0; t < steps; t++)
            {
                int k = g.Targets[s][t];
                loss -= Math.Log(p[t * g.Classes + k]) / (steps * sequences);
                for (int j = 0; j < g.Classes; j++)
                {
                    dz[t * g.Classes + j] = (p[t * g.Classes + j] - (j == k ? 1 : 0)) / (steps * sequences);
                }
            }

            model.Backward(trace, dz, new double[model.StateSize], default, gradients);
        }

        Tight.AssertClose("loss before the first update", g.LossBeforeEachUpdate[0], loss);
        switch (g.Clip?.Mode)
        {
            case "norm":
                Tight.AssertClose("total gradient norm before the first clip", g.TotalNormBeforeClip[0], Math.Sqrt(Dot(gradients, gradients)));
                break;
            case "value":
                Assert.Equal(g.ElementsClipped[0], gradients.Count(v => Math.Abs(v) > g.Clip.Max));
                break;
            case null:
                Assert.Empty(g.TotalNormBeforeClip);
                Assert.Empty(g.ElementsClipped);
                break;
            default:
                Assert.Fail($"Unknown clip mode '{g.Clip.Mode}'.");
                break;
        }
    }

    // =============================================================================================================
    // Helpers
    // =============================================================================================================

    private static void AssertState(ModelDescription d, string hName, double[][] h, string cName, double[][]? c, double[] state)
    {
        for (int l = 0; l < d.Layers.Count; l++)
        {
            LayerDescription layer = d.Layers[l];
            Tight.AssertClose($"{hName}[{l}]", h[l], state.AsSpan(layer.StateOffset, layer.HiddenSize));
            if (layer.HasCellState)
            {
                Assert.NotNull(c);
                Tight.AssertClose($"{cName}[{l}]", c[l], state.AsSpan(layer.StateOffset + layer.HiddenSize, layer.HiddenSize));
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Softmax of each row of <paramref name="classes"/> values.</summary>
    private static double[] Softmax(double[] z, int classes)
    {
        var p = new double[z.Length];
        for (int row = 0; row < z.Length; row += classes)
        {
            double max = z.Skip(row).Take(classes).Max(), sum = 0;
            for (int k = 0; k < classes; k++)
            {
                sum += p[row + k] = Math.Exp(z[row + k] - max);
            }

            for (int k = 0; k < classes; k++)
            {
                p[row + k] /= sum;
            }
        }

        return p;
    }

    private static double CrossEntropy(GoldenModelCase g, double[] p)
    {
        double loss = 0;
        for (int t = 0; t < g.Steps; t++)
        {
            if (g.Target(t) is int k)
            {
                loss -= Math.Log(p[t * g.Classes + k]);
            }
        }

        return loss / g.TargetCount;
    }

    private static double[] CrossEntropyLogitGradient(GoldenModelCase g, double[] p)
    {
        var dz = new double[p.Length];
        for (int t = 0; t < g.Steps; t++)
        {
            if (g.Target(t) is int k)
            {
                for (int j = 0; j < g.Classes; j++)
                {
                    dz[t * g.Classes + j] = (p[t * g.Classes + j] - (j == k ? 1 : 0)) / g.TargetCount;
                }
            }
        }

        return dz;
    }
}
