using GenRnn.Reference;
using GenRnn.Tests.Golden;
using Xunit;

namespace GenRnn.Tests;

/// <summary>
/// The double-precision reference against PyTorch's golden values (tight tolerance), and against central finite
/// differences of itself on random stacked models with heads.
/// </summary>
public sealed class ReferenceModelTests
{
    private static readonly Tolerance Tight = Tolerance.Double;

    /// <summary>Central differences in double with step 1e-5 are good to about 1e-10.</summary>
    private static readonly Tolerance FiniteDifference = new(1e-6, 1e-8);

    /// <summary>How a finite-difference model takes its inputs.</summary>
    public enum InputKind
    {
        /// <summary>Float (here double) vectors.</summary>
        Vectors,

        /// <summary>Token ids through an embedding.</summary>
        Embedding,

        /// <summary>Token ids as one-hot vectors, no embedding.</summary>
        OneHot,
    }

    public static TheoryData<string> LayerCases => GoldenData.LayerCaseNames();

    public static TheoryData<string> ModelCases => GoldenData.ModelCaseNames();

    public static TheoryData<string> TrainingCases => GoldenData.TrainingCaseNames();

    public static TheoryData<CellKind, Activation, InputKind> FiniteDifferenceCases
    {
        get
        {
            var data = new TheoryData<CellKind, Activation, InputKind>();
            foreach (CellKind cell in Enum.GetValues<CellKind>())
            {
                foreach (Activation head in Enum.GetValues<Activation>())
                {
                    data.Add(cell, head, InputKind.Vectors);
                }

                data.Add(cell, Activation.Softmax, InputKind.Embedding);
                data.Add(cell, Activation.Tanh, InputKind.OneHot);
            }

            return data;
        }
    }

    public static TheoryData<CellKind, Activation> NonIdentityHeads
    {
        get
        {
            var data = new TheoryData<CellKind, Activation>();
            foreach (CellKind cell in Enum.GetValues<CellKind>())
            {
                data.Add(cell, Activation.Tanh);
                data.Add(cell, Activation.Sigmoid);
                data.Add(cell, Activation.Softmax);
            }

            return data;
        }
    }

    // =============================================================================================================
    // PyTorch golden values
    // =============================================================================================================

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void LayerCaseMatchesPyTorch(string name)
    {
        GoldenLayerCase g = GoldenData.Instance.LayerCase(name);
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
    public void ModelCaseLogitsMatchPyTorch(string name)
    {
        GoldenModelCase g = GoldenData.Instance.ModelCase(name);
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
    // Finite differences of the reference itself
    // =============================================================================================================

    [Theory]
    [MemberData(nameof(FiniteDifferenceCases))]
    public void GradientsMatchFiniteDifferences(CellKind cell, Activation head, InputKind inputKind)
    {
        const int Steps = 5;
        const double H = 1e-5;
        var random = new Random(1000 + 100 * (int)cell + 10 * (int)head + (int)inputKind);
        ModelDescription d = RandomModelDescription(cell, head, inputKind);
        var model = new ReferenceModel(d);
        Fill(random, model.Parameters, 0.6);

        double[] x = inputKind == InputKind.Vectors ? Fill(random, new double[Steps * model.InputSize], 1) : [];
        int[] tokens = inputKind == InputKind.Vectors ? [] : RandomTokens(random, Steps, model.VocabularySize);
        double[] s0 = Fill(random, new double[model.StateSize], 0.5);
        double[] dy = Fill(random, new double[Steps * model.OutputSize], 1);
        double[] ds = Fill(random, new double[model.StateSize], 1);

        // L = Σ y ⊙ dy + Σ sT ⊙ ds
        double Loss()
        {
            double[] s = (double[])s0.Clone();
            var y = new double[Steps * model.OutputSize];
            if (tokens.Length > 0)
            {
                model.Forward(tokens, s, y);
            }
            else
            {
                model.Forward(x, s, y);
            }

            return Dot(y, dy) + Dot(s, ds);
        }

        double Central(double[] values, int i)
        {
            double saved = values[i];
            values[i] = saved + H;
            double plus = Loss();
            values[i] = saved - H;
            double minus = Loss();
            values[i] = saved;
            return (plus - minus) / (2 * H);
        }

        ReferenceTrace trace = model.CreateTrace();
        double[] sT = (double[])s0.Clone();
        var outputs = new double[Steps * model.OutputSize];
        if (tokens.Length > 0)
        {
            model.Forward(tokens, sT, outputs, trace);
        }
        else
        {
            model.Forward(x, sT, outputs, trace);
        }

        double[] stateGradient = (double[])ds.Clone();
        var inputGradients = new double[Steps * model.InputSize];
        var gradients = new double[model.ParameterCount];
        model.Backward(trace, dy, stateGradient, inputGradients, gradients);

        for (int i = 0; i < gradients.Length; i++)
        {
            FiniteDifference.AssertClose($"dL/d{ParameterName(d, i)}", Central(model.Parameters, i), gradients[i]);
        }

        for (int i = 0; i < s0.Length; i++)
        {
            FiniteDifference.AssertClose($"dL/dstate0[{i}]", Central(s0, i), stateGradient[i]);
        }

        for (int i = 0; i < x.Length; i++)
        {
            FiniteDifference.AssertClose($"dL/dx[{i}]", Central(x, i), inputGradients[i]);
        }

        if (inputKind == InputKind.OneHot)
        {
            // Token ids without an embedding are the one-hot vectors: same outputs, same gradients.
            var oneHot = new double[Steps * model.InputSize];
            for (int t = 0; t < Steps; t++)
            {
                oneHot[t * model.InputSize + tokens[t]] = 1;
            }

            double[] s = (double[])s0.Clone();
            var y = new double[outputs.Length];
            ReferenceTrace vectorTrace = model.CreateTrace();
            model.Forward(oneHot, s, y, vectorTrace);
            Tight.AssertClose("one-hot outputs", outputs, y);
            double[] sg = (double[])ds.Clone();
            var ig = new double[inputGradients.Length];
            var g = new double[gradients.Length];
            model.Backward(vectorTrace, dy, sg, ig, g);
            Tight.AssertClose("one-hot parameter gradients", gradients, g);
            Tight.AssertClose("one-hot input gradients", inputGradients, ig);
        }
    }

    [Theory]
    [MemberData(nameof(NonIdentityHeads))]
    public void BackwardFromLogitsMatchesIdentityHead(CellKind cell, Activation head)
    {
        const int Steps = 4;
        var random = new Random(7 + 10 * (int)cell + (int)head);
        var model = new ReferenceModel(RandomModelDescription(cell, head, InputKind.Vectors));
        var twin = new ReferenceModel(RandomModelDescription(cell, Activation.Identity, InputKind.Vectors));
        Fill(random, model.Parameters, 0.6);
        model.Parameters.CopyTo(twin.Parameters, 0);
        double[] x = Fill(random, new double[Steps * model.InputSize], 1);
        double[] s0 = Fill(random, new double[model.StateSize], 0.5);
        double[] dz = Fill(random, new double[Steps * model.OutputSize], 1);
        double[] ds = Fill(random, new double[model.StateSize], 1);

        ReferenceTrace trace = model.CreateTrace(), twinTrace = twin.CreateTrace();
        var y = new double[dz.Length];
        var z = new double[dz.Length];
        model.Forward(x, (double[])s0.Clone(), y, trace);
        twin.Forward(x, (double[])s0.Clone(), z, twinTrace);
        for (int t = 0; t < Steps; t++)
        {
            Tight.AssertClose($"logits at step {t}", z.AsSpan(t * model.OutputSize, model.OutputSize), trace.Logits(t));
        }

        double[] sg = (double[])ds.Clone(), twinSg = (double[])ds.Clone();
        var ig = new double[x.Length];
        var twinIg = new double[x.Length];
        var g = new double[model.ParameterCount];
        var twinG = new double[model.ParameterCount];
        model.BackwardFromLogits(trace, dz, sg, ig, g);
        twin.Backward(twinTrace, dz, twinSg, twinIg, twinG);
        Tight.AssertClose("parameter gradients", twinG, g);
        Tight.AssertClose("input gradients", twinIg, ig);
        Tight.AssertClose("state gradient", twinSg, sg);
    }

    [Fact]
    public void BackwardAddsIntoGradientsAndLeavesTheTraceReusable()
    {
        const int Steps = 6;
        var random = new Random(42);
        var model = new ReferenceModel(RandomModelDescription(CellKind.PeepholeLstm, Activation.Softmax, InputKind.Embedding));
        Fill(random, model.Parameters, 0.6);
        int[] tokens = RandomTokens(random, Steps, model.VocabularySize);
        double[] dy = Fill(random, new double[Steps * model.OutputSize], 1);

        ReferenceTrace trace = model.CreateTrace();
        var traced = new double[dy.Length];
        var untraced = new double[dy.Length];
        model.Forward(tokens, new double[model.StateSize], untraced);
        model.Forward(tokens, new double[model.StateSize], traced, trace);
        Assert.Equal(untraced, traced);
        Assert.True(trace.HasTokens);
        Assert.Equal(tokens, trace.Tokens.ToArray());

        var once = new double[model.ParameterCount];
        var twice = new double[model.ParameterCount];
        model.Backward(trace, dy, new double[model.StateSize], default, once);
        model.Backward(trace, dy, new double[model.StateSize], default, twice);
        model.Backward(trace, dy, new double[model.StateSize], default, twice);
        Tight.AssertClose("twice the gradients", once.Select(v => 2 * v).ToArray(), twice);
    }

    // =============================================================================================================
    // Helpers
    // =============================================================================================================

    /// <summary>Two stacked layers of different widths (4 then 5) and a dense head of 3 outputs.</summary>
    private static ModelDescription RandomModelDescription(CellKind cell, Activation head, InputKind inputKind)
    {
        int vocabulary = inputKind == InputKind.Embedding ? 6 : 0;
        int inputs = 3;
        return ModelDescription.Create($"{cell}-{head}-{inputKind}", vocabulary, vocabulary > 0 ? inputs : 0, [new LayerSpec(cell, inputs, 4), new LayerSpec(cell, 4, 5)], 3, head);
    }

    /// <summary>Random ids in [0, vocabulary) whose fourth repeats the first, so a row gets two gradients.</summary>
    private static int[] RandomTokens(Random random, int steps, int vocabulary)
    {
        var tokens = new int[steps];
        for (int t = 0; t < steps; t++)
        {
            tokens[t] = random.Next(vocabulary);
        }

        tokens[3] = tokens[0];
        return tokens;
    }

    private static double[] Fill(Random random, double[] values, double scale)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = scale * (2 * random.NextDouble() - 1);
        }

        return values;
    }

    private static string ParameterName(ModelDescription d, int flat)
    {
        ParameterTensor t = d.Tensors.Single(t => flat >= t.Offset && flat < t.Offset + t.Length);
        return $"{t.Name} (flat {flat})";
    }

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
