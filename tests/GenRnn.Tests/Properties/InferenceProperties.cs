using CsCheck;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Properties;

/// <summary>
/// Properties of the generated inference API over random span lengths, tokens, sequence lengths and values (CsCheck):
/// a call with a wrong length or token throws the documented exception naming the argument and changes nothing; a call
/// with right lengths never throws, NaN and infinities included; Forward over any length equals Step after Step.
/// </summary>
public sealed class InferenceProperties
{
    // 300 in CI; GENRNN_PROPERTY_ITERATIONS=N for a longer fault run (docs/reliability.md).
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("GENRNN_PROPERTY_ITERATIONS"), out int n) && n > 0 ? n : 300;

    [Fact]
    public void StepChecksEverySpanLength() => StepChecksLengths<RnnGruSigmoid>();

    [Fact]
    public void StepChecksEverySpanLengthOfAGatelessLstm() => StepChecksLengths<GatelessTwoLayersW256>();

    [Fact]
    public void TokenStepChecksTheRange() => TokenStepChecksRange<EmbeddingPeepholeStackTanh>();

    [Fact]
    public void ForwardEqualsStepsForAnyLength() => ForwardEqualsSteps<RnnGruSigmoid>();

    [Fact]
    public void ForwardEqualsStepsForAnyLengthOfAGatelessLstm() => ForwardEqualsSteps<GatelessOverGruTanh>();

    [Fact]
    public void ForwardEqualsStepsForAnyLengthOfLstmOptions() => ForwardEqualsSteps<LstmOptionsStackTanh>();

    [Fact]
    public void ForwardChecksSequenceLengths() => ForwardChecksLengths<RnnGruSigmoid>();

    private static void StepChecksLengths<TModel>() where TModel : class, IRecurrentModel<TModel>
    {
        TModel model = Seeded<TModel>();
        float[] parameters = model.Parameters.ToArray();
        int n = TModel.InputSize, s = TModel.StateSize, o = TModel.OutputSize;
        Gen.Select(Gen.Int[0, 2 * n + 1], Gen.Int[0, 2 * s + 1], Gen.Int[0, 2 * o + 1], Values).Sample(t =>
        {
            (int inputs, int states, int outputs, float fill) = t;
            var input = Enumerable.Repeat(fill, inputs).ToArray();
            var state = Enumerable.Repeat(0.25f, states).ToArray();
            var output = new float[outputs];
            if (inputs == n && states == s && outputs == o)
            {
                // Right lengths never throw, whatever the values (NaN in, NaN out: Step does not check values).
                model.Step(input, state, output);
                Assert.Equal(float.IsFinite(fill), output.All(float.IsFinite));
            }
            else
            {
                ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => model.Step(input, state, output));
                Assert.Contains(e.ParamName, new[] { "input", "state", "output" });
                Assert.All(state, v => Assert.Equal(0.25f, v));
                Assert.All(output, v => Assert.Equal(0f, v));
            }

            Assert.Equal(parameters, model.Parameters);
        }, iter: Iterations, threads: 1);
    }

    private static void TokenStepChecksRange<TModel>() where TModel : class, IRecurrentModel<TModel>
    {
        TModel model = Seeded<TModel>();
        int v = TModel.VocabularySize;
        Gen.Int[-3, v + 3].Sample(token =>
        {
            var state = new float[TModel.StateSize];
            var output = new float[TModel.OutputSize];
            if (token >= 0 && token < v)
            {
                model.Step(token, state, output);
                Assert.All(output, y => Assert.True(float.IsFinite(y)));
            }
            else
            {
                ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(token, state, output));
                Assert.Equal("token", e.ParamName);
                Assert.All(state, x => Assert.Equal(0f, x));
            }
        }, iter: Iterations, threads: 1);
    }

    private static void ForwardEqualsSteps<TModel>() where TModel : class, IRecurrentModel<TModel>
    {
        TModel model = Seeded<TModel>();
        int n = TModel.InputSize, o = TModel.OutputSize;
        Gen.Int[1, 24].SelectMany(steps => Gen.Float[-3f, 3f].Array[steps * n]).Sample(inputs =>
        {
            int steps = inputs.Length / n;
            var stepState = new float[TModel.StateSize];
            var stepOutputs = new float[steps * o];
            for (int t = 0; t < steps; t++)
            {
                model.Step(inputs.AsSpan(t * n, n), stepState, stepOutputs.AsSpan(t * o, o));
            }

            var state = new float[TModel.StateSize];
            var outputs = new float[steps * o];
            model.Forward(inputs, state, outputs);
            Assert.Equal(stepOutputs, outputs);
            Assert.Equal(stepState, state);
        }, iter: Math.Max(100, Iterations / 10), threads: 1);
    }

    private static void ForwardChecksLengths<TModel>() where TModel : class, IRecurrentModel<TModel>
    {
        TModel model = Seeded<TModel>();
        int n = TModel.InputSize, o = TModel.OutputSize, s = TModel.StateSize;
        Gen.Select(Gen.Int[0, 6 * n], Gen.Int[0, 6 * o], Gen.Int[s - 1, s + 1]).Sample(t =>
        {
            (int inputs, int outputs, int states) = t;
            var state = new float[states];
            var y = new float[outputs];
            bool valid = inputs > 0 && inputs % n == 0 && outputs == inputs / n * o && states == s;
            if (valid)
            {
                model.Forward(new float[inputs], state, y);
            }
            else
            {
                ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => model.Forward(new float[inputs], state, y));
                Assert.Contains(e.ParamName, new[] { "inputs", "state", "outputs" });
                Assert.All(y, v => Assert.Equal(0f, v));
            }
        }, iter: Iterations, threads: 1);
    }

    // Mostly ordinary values, sometimes NaN or an infinity.
    private static readonly Gen<float> Values = Gen.Frequency<float>((8, Gen.Float[-2f, 2f]), (1, Gen.Const(float.NaN)), (1, Gen.Const(float.PositiveInfinity)));

    private static TModel Seeded<TModel>() where TModel : class, IRecurrentModel<TModel>
    {
        var model = TModel.Create();
        var random = new Random(7);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = (float)(random.NextDouble() - 0.5);
        }

        return model;
    }
}
