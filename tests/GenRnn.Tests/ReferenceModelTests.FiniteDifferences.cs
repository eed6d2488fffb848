using GenRnn.Reference;
using GenRnn.Tests.Golden;
using Xunit;

namespace GenRnn.Tests;

// The finite-difference half of ReferenceModelTests: the reference's gradients against central differences
// of its own forward pass on random stacked models with heads.
public sealed partial class ReferenceModelTests
{
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

    public static TheoryData<CellKind, Activation, InputKind> FiniteDifferenceCases
    {
        get
        {
            var data = new TheoryData<CellKind, Activation, InputKind>();
            foreach (CellKind cell in NamedKinds)
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

    // Every kind a CellKind alone describes; LstmVariant needs its options (ReferenceModelTests.LstmOptions.cs).
    private static IEnumerable<CellKind> NamedKinds => Enum.GetValues<CellKind>().Where(c => c != CellKind.LstmVariant);

    public static TheoryData<CellKind, Activation> NonIdentityHeads
    {
        get
        {
            var data = new TheoryData<CellKind, Activation>();
            foreach (CellKind cell in NamedKinds)
            {
                data.Add(cell, Activation.Tanh);
                data.Add(cell, Activation.Sigmoid);
                data.Add(cell, Activation.Softmax);
            }

            return data;
        }
    }

    // =============================================================================================================
    // Finite differences of the reference itself
    // =============================================================================================================

    [Theory]
    [MemberData(nameof(FiniteDifferenceCases))]
    public void GradientsMatchFiniteDifferences(CellKind cell, Activation head, InputKind inputKind) =>
        AssertFiniteDifferences(RandomModelDescription(cell, head, inputKind), new Random(1000 + 100 * (int)cell + 10 * (int)head + (int)inputKind), inputKind);

    /// <summary>Every parameter, initial state and input gradient of the reference against central differences of its loss.</summary>
    private static void AssertFiniteDifferences(ModelDescription d, Random random, InputKind inputKind)
    {
        const int Steps = 5;
        const double H = 1e-5;
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

        double Central(double[] values, int i) => CentralDifference.Of(values, i, H, Loss);

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
        // MUT1 and MUT2 add x to a gate elementwise: their layers take as many inputs as they have units.
        bool square = cell is CellKind.Mut1 or CellKind.Mut2;
        int inputs = square ? 4 : 3, top = square ? 4 : 5;
        return ModelDescription.Create($"{cell}-{head}-{inputKind}", vocabulary, vocabulary > 0 ? inputs : 0, [new LayerSpec(cell, inputs, 4), new LayerSpec(cell, 4, top)], 3, head);
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
}
