using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

/// <summary>
/// One model used from several threads at once, each with its own state, outputs, trace and gradient buffer (what
/// docs/api.md allows): every thread gets exactly what it gets alone.
/// </summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void StepForwardAndBackwardFromFourThreadsMatchSequentialRuns() => Check<EmbeddingPeepholeStackTanh>(tokens: true);

    [Fact]
    public void ChunkedModelFromFourThreadsMatchesSequentialRuns() => Check<ChunkedRnn1997Lstm>(tokens: false);

    private static void Check<TModel>(bool tokens) where TModel : class, IRecurrentModel<TModel>
    {
        const int Threads = 4, Steps = 37;
        var model = TModel.Create();
        var random = new Random(11);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)(random.NextDouble() - 0.5) * 0.6f;
        float[][] inputs = Enumerable.Range(0, Threads).Select(_ => Enumerable.Range(0, Steps * TModel.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        int[][] ids = Enumerable.Range(0, Threads).Select(_ => Enumerable.Range(0, Steps).Select(_ => random.Next(TModel.VocabularySize)).ToArray()).ToArray();

        float[] Run(int s)
        {
            var results = new List<float>();
            var state = new float[TModel.StateSize];
            var output = new float[TModel.OutputSize];
            for (int t = 0; t < Steps; t++)
            {
                if (tokens) model.Step(ids[s][t], state, output); else model.Step(inputs[s].AsSpan(t * TModel.InputSize, TModel.InputSize), state, output);
                results.AddRange(output);
            }

            var sequenceState = new float[TModel.StateSize];
            var outputs = new float[Steps * TModel.OutputSize];
            Trace trace = model.CreateTrace();
            if (tokens) model.Forward(ids[s], sequenceState, outputs, trace); else model.Forward(inputs[s], sequenceState, outputs, trace);
            var gradients = new float[TModel.ParameterCount];
            var stateGradient = new float[TModel.StateSize];
            model.Backward(trace, outputs, stateGradient, default, gradients);
            return [.. results, .. outputs, .. sequenceState, .. gradients, .. stateGradient];
        }

        float[][] expected = Enumerable.Range(0, Threads).Select(Run).ToArray();
        for (int round = 0; round < 5; round++)
        {
            var actual = new float[Threads][];
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, s => actual[s] = Run(s));
            for (int s = 0; s < Threads; s++)
            {
                Assert.Equal(expected[s], actual[s]);
            }
        }
    }
}
