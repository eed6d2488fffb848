using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

// Models with 64 KB of weight matrices or more, whose Forward runs steps in chunks (ModelLayout.ChunksSequences):
// every cell, embedded and one-hot tokens, every head.
[RecurrentModel]
[Embedding(vocabulary: 50, dimensions: 16)]
[Lstm(16, 64, Peepholes = true)]
[Dense(50, Activation = Activation.Softmax)]
public partial class ChunkedEmbeddingPeephole;

[RecurrentModel]
[Rnn(40, 96)]
[Lstm(96, 48, ForgetGate = false)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class ChunkedRnn1997Lstm;

// Layers of 8 blocks or more under 512 KB, whose forward kernels take four blocks per call (LayerLayout.BlocksPerCall):
// two groups, swept in alternating directions, and a partial block.
[RecurrentModel]
[Lstm(20, 130)]
[Dense(5)]
public partial class FourBlockLstm;

[RecurrentModel]
[Gru(10, 180)]
public partial class FourBlockGru;

[RecurrentModel(VectorWidth = 256)]
[Gru(60, 64)]
[Dense(7, Activation = Activation.Tanh)]
public partial class ChunkedOneHotGru;

/// <summary>
/// Forward over a sequence (for models of 64 KB of weights or more, in chunks of steps that share the input weights,
/// then the rest one by one) gives exactly what Step after Step gives: outputs and final state, traced and untraced,
/// for vectors and tokens.
/// </summary>
public sealed class SequenceTests
{
    // 1 and 3: no whole chunk; 4 and 8: chunks only; 13: chunks and a rest.
    private static readonly int[] Lengths = [1, 3, 4, 8, 13];

    [Fact] public void Lstm() => Check<Lstm17x33>(tokens: false);

    [Fact] public void StackWithTanhHead() => Check<LstmGruTanh>(tokens: false);

    [Fact] public void OneHotTokens() => Check<LstmGruTanh>(tokens: true);

    [Fact] public void RnnAnd1997Lstm() => Check<RnnLstm1997Sigmoid>(tokens: false);

    [Fact] public void PeepholeAndResetBeforeGruWithSoftmax() => Check<PeepholeGruChoSoftmax>(tokens: false);

    [Fact] public void EmbeddingTokens() => Check<EmbeddingGruRnn>(tokens: true);

    [Fact] public void SeveralWeightBlocks() => Check<MultiBlock>(tokens: false);

    [Fact] public void ChunkedEmbeddingTokensPeepholeLstm() => Check<ChunkedEmbeddingPeephole>(tokens: true);

    [Fact] public void ChunkedRnnAnd1997Lstm() => Check<ChunkedRnn1997Lstm>(tokens: false);

    [Fact] public void ChunkedOneHotTokensGruVector256() => Check<ChunkedOneHotGru>(tokens: true);

    [Fact] public void ChunkedGruVector256() => Check<ChunkedOneHotGru>(tokens: false);

    [Fact] public void FourBlocksPerKernelLstm() => Check<FourBlockLstm>(tokens: false);

    [Fact] public void FourBlocksPerKernelGru() => Check<FourBlockGru>(tokens: false);

    [Fact] public void SplitFourBlockLstmAcrossCores() => Check<SplitFourBlockLstm>(tokens: false);

    [Fact] public void SplitGruAcrossCores() => Check<SplitFourBlockGru>(tokens: false);

    [Fact] public void SplitStackAcrossCores() => Check<SplitStack>(tokens: true);

    [Fact] public void SplitSmallModelAcrossCores() => Check<SplitSmall>(tokens: false);

    [Fact] public void SweepingLayersInPairsOfBlocks() => Check<BlockPairs>(tokens: false);

    [Fact] public void SweepingLayersVector256() => Check<BlockPairsVector256>(tokens: false);

    [Fact] public void SweepingLayersScalar() => Check<BlockPairsScalar>(tokens: false);

    private static void Check<TModel>(bool tokens) where TModel : class, IRecurrentModel<TModel>
    {
        var random = new Random(23);
        var model = TModel.Create();
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)(random.NextDouble() - 0.5) * 0.3f;
        Trace trace = model.CreateTrace();
        foreach (int steps in Lengths)
        {
            float[] inputs = Enumerable.Range(0, steps * TModel.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            int[] ids = Enumerable.Range(0, steps).Select(_ => random.Next(TModel.VocabularySize)).ToArray();
            float[] state0 = Enumerable.Range(0, TModel.StateSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

            float[] expectedState = state0.ToArray();
            var expected = new float[steps * TModel.OutputSize];
            for (int t = 0; t < steps; t++)
            {
                Span<float> output = expected.AsSpan(t * TModel.OutputSize, TModel.OutputSize);
                if (tokens) model.Step(ids[t], expectedState, output);
                else model.Step(inputs.AsSpan(t * TModel.InputSize, TModel.InputSize), expectedState, output);
            }

            foreach (bool traced in new[] { false, true })
            {
                float[] state = state0.ToArray();
                var outputs = new float[expected.Length];
                if (traced && tokens) model.Forward(ids, state, outputs, trace);
                else if (traced) model.Forward(inputs, state, outputs, trace);
                else if (tokens) model.Forward(ids, state, outputs);
                else model.Forward(inputs, state, outputs);
                string what = $"{steps} steps, {(traced ? "traced" : "untraced")}";
                Assert.True(expected.AsSpan().SequenceEqual(outputs), $"outputs differ from Step's ({what})");
                Assert.True(expectedState.AsSpan().SequenceEqual(state), $"final state differs from Step's ({what})");
            }
        }
    }
}
