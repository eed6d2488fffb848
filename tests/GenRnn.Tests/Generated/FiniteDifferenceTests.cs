using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

/// <summary>
/// Central differences of a scalar loss against Backward, on the generated float32 code itself, for stacks of every
/// cell kind with every head activation. L = sum(y * wy) + sum(final state * ws), with fixed random weights.
/// </summary>
public class FiniteDifferenceTests
{
    private const float Epsilon = 1e-2f;
    private const int Steps = 5;

    [Fact] public void LstmUnderGruWithTanhHead() => Check<LstmGruTanh>(seed: 1);

    [Fact] public void RnnUnder1997LstmWithSigmoidHead() => Check<RnnLstm1997Sigmoid>(seed: 2);

    [Fact] public void PeepholeLstmUnderChoGruWithSoftmaxHead() => Check<PeepholeGruChoSoftmax>(seed: 3);

    [Fact] public void EmbeddingGruRnnWithIdentityHead() => Check<EmbeddingGruRnn>(seed: 4, tokens: true);

    [Fact] public void WideLayersWithoutHead() => Check<WideNoHead>(seed: 5);

    [Fact] public void SeveralWeightBlocksPerMatrix() => Check<MultiBlock>(seed: 6);

    [Fact] public void GatelessLstmOverGruWithTanhHead() => Check<GatelessOverGruTanh>(seed: 7);

    [Fact] public void LstmOptionsStackWithTanhHead() => Check<LstmOptionsStackTanh>(seed: 8);

    [Fact] public void EmbeddingLstmOptionsWithSoftmaxHead() => Check<EmbeddingLstmOptionsSoftmax>(seed: 9, tokens: true);

    private static void Check<TModel>(int seed, bool tokens = false) where TModel : class, IRecurrentModel<TModel>
    {
        var random = new Random(seed);
        float Next(float scale) => (float)(random.NextDouble() * 2 - 1) * scale;
        var model = TModel.Create();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = Next(0.6f);
        }

        float[] inputs = Enumerable.Range(0, Steps * TModel.InputSize).Select(_ => Next(1f)).ToArray();
        int[] tokenIds = Enumerable.Range(0, Steps).Select(_ => random.Next(TModel.VocabularySize)).ToArray();
        float[] state0 = Enumerable.Range(0, TModel.StateSize).Select(_ => Next(0.5f)).ToArray();
        float[] wy = Enumerable.Range(0, Steps * TModel.OutputSize).Select(_ => Next(1f)).ToArray();
        float[] ws = Enumerable.Range(0, TModel.StateSize).Select(_ => Next(1f)).ToArray();

        double Loss()
        {
            var state = state0.ToArray();
            var y = new float[wy.Length];
            if (tokens)
            {
                model.Forward(tokenIds, state, y);
            }
            else
            {
                model.Forward(inputs, state, y);
            }

            double loss = 0;
            for (int i = 0; i < y.Length; i++) loss += (double)y[i] * wy[i];
            for (int i = 0; i < state.Length; i++) loss += (double)state[i] * ws[i];
            return loss;
        }

        // Analytic gradients.
        var trace = model.CreateTrace();
        var s = state0.ToArray();
        var outputs = new float[wy.Length];
        if (tokens) model.Forward(tokenIds, s, outputs, trace); else model.Forward(inputs, s, outputs, trace);
        var dState = ws.ToArray();
        var dInputs = tokens ? Array.Empty<float>() : new float[inputs.Length];
        model.ZeroGradients();
        model.Backward(trace, wy, dState, dInputs, model.Gradients);

        double Numeric(float[] values, int i) => CentralDifference.Of(values, i, Epsilon, Loss);

        var failures = new List<string>();
        void Compare(string what, int index, double numeric, double analytic)
        {
            if (Math.Abs(numeric - analytic) > 2e-2 * Math.Abs(numeric) + 2e-3)
            {
                failures.Add($"{what}[{index}]: finite difference {numeric:G6}, backward {analytic:G6}");
            }
        }

        // Every parameter of small models; an even sample of larger ones.
        int stride = Math.Max(1, model.Parameters.Length / 400);
        for (int i = 0; i < model.Parameters.Length; i += stride)
        {
            Compare("parameter", i, Numeric(model.Parameters, i), model.Gradients[i]);
        }

        for (int i = 0; i < dInputs.Length; i++)
        {
            Compare("input", i, Numeric(inputs, i), dInputs[i]);
        }

        for (int i = 0; i < state0.Length; i++)
        {
            Compare("initial state", i, Numeric(state0, i), dState[i]);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Contains(model.Gradients, g => Math.Abs(g) > 1e-3); // the check compared real gradients
    }
}
