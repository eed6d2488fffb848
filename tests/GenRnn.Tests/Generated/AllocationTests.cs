using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

/// <summary>The hot paths allocate nothing once warmed up.</summary>
public class AllocationTests
{
    [Fact]
    public void StepForwardAndBackwardAllocateNothing()
    {
        AssertNoAllocation<Lstm8x16>();
        AssertNoAllocation<PeepholeLstmTwoLayers>();
        AssertNoAllocation<GruCho17x33>();
        AssertNoAllocation<RnnLm>();
        AssertNoAllocation<ChunkedRnn1997Lstm>();
        AssertNoAllocation<ChunkedEmbeddingPeephole>();
        AssertNoAllocation<GatelessLm>();
        AssertNoAllocation<GatelessTwoLayersW256>();
        AssertNoAllocation<CifgLm>();
        AssertNoAllocation<NigTwoLayersW32>();
        AssertNoAllocation<NoafTwoLayersW256>();
        AssertNoAllocation<LstmOptionsStackTanh>();
    }

    private static void AssertNoAllocation<TModel>() where TModel : class, IRecurrentModel<TModel>
    {
        const int Steps = 6, Calls = 10_000; // a chunk of four steps and two single ones (in models that chunk sequences)
        var model = TModel.Create();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = (float)Math.Sin(i) * 0.3f;
        }

        var input = new float[TModel.InputSize];
        var inputs = new float[Steps * TModel.InputSize];
        var tokens = new int[Steps];
        var output = new float[TModel.OutputSize];
        var outputs = new float[Steps * TModel.OutputSize];
        var state = new float[TModel.StateSize];
        var streamInputs = new float[7 * TModel.InputSize];
        var streamStates = new float[7 * TModel.StateSize];
        var streamOutputs = new float[7 * TModel.OutputSize];
        var stateGradient = new float[TModel.StateSize];
        var inputGradients = new float[inputs.Length];
        Trace trace = model.CreateTrace(Steps);

        void Run(int calls)
        {
            for (int i = 0; i < calls; i++)
            {
                model.Step(input, state, output);
                model.StepStreams(streamInputs, streamStates, streamOutputs);
                model.Step(i % TModel.VocabularySize, state, output);
                model.Forward(inputs, state, outputs);
                model.Forward(inputs, state, outputs, trace);
                model.Backward(trace, outputs, stateGradient, inputGradients, model.Gradients);
                model.Forward(tokens, state, outputs, trace);
                model.BackwardFromLogits(trace, outputs, stateGradient, default, model.Gradients);
                Array.Clear(state);
                Array.Clear(model.Gradients); // 20,000 sums of the larger models' gradients would overflow
            }
        }

        Run(100);
        AllocationAssert.NothingAllocated(() => Run(Calls), $"{typeof(TModel).Name}: {Calls} rounds of Step, StepStreams, Forward and Backward");
        Assert.All(model.Gradients, g => Assert.True(float.IsFinite(g)));
    }
}
