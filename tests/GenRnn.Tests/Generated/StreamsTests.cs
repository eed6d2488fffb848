using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

/// <summary>StepStreams (several streams per weight read) gives each stream exactly what Step gives it alone.</summary>
public sealed class StreamsTests
{
    [Fact] public void Lstm() => Check<Lstm17x33>();

    [Fact] public void StackWithTanhHead() => Check<LstmGruTanh>();

    [Fact] public void RnnAnd1997Lstm() => Check<RnnLstm1997Sigmoid>();

    [Fact] public void PeepholeAndResetBeforeGruWithSoftmax() => Check<PeepholeGruChoSoftmax>();

    [Fact] public void SeveralWeightBlocks() => Check<MultiBlock>();

    [Fact] public void SeveralWeightBlocksVector256() => Check<MultiBlockVector256>();

    [Fact] public void FourBlocksPerKernelLstm() => Check<FourBlockLstm>();

    [Fact] public void FourBlocksPerKernelGru() => Check<FourBlockGru>();

    [Fact]
    public void RejectsLengthsThatDoNotAgree()
    {
        var model = new Lstm8x16();
        Assert.Equal("states", Assert.ThrowsAny<ArgumentException>(() => model.StepStreams(new float[8], new float[Lstm8x16.StateSize + 1], new float[16])).ParamName);
        Assert.Equal("inputs", Assert.ThrowsAny<ArgumentException>(() => model.StepStreams(new float[7], new float[Lstm8x16.StateSize], new float[16])).ParamName);
        Assert.Equal("outputs", Assert.ThrowsAny<ArgumentException>(() => model.StepStreams(new float[16], new float[2 * Lstm8x16.StateSize], new float[16])).ParamName);
    }

    private static void Check<TModel>() where TModel : class, IRecurrentModel<TModel>
    {
        const int Streams = 7, Steps = 5; // a group of four and three single streams
        var random = new Random(11);
        var model = TModel.Create();
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)(random.NextDouble() - 0.5);
        float[] states = Enumerable.Range(0, Streams * TModel.StateSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[][] singles = Enumerable.Range(0, Streams).Select(s => states.AsSpan(s * TModel.StateSize, TModel.StateSize).ToArray()).ToArray();
        var outputs = new float[Streams * TModel.OutputSize];
        var single = new float[TModel.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            float[] inputs = Enumerable.Range(0, Streams * TModel.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            model.StepStreams(inputs, states, outputs);
            for (int s = 0; s < Streams; s++)
            {
                model.Step(inputs.AsSpan(s * TModel.InputSize, TModel.InputSize), singles[s], single);
                Assert.Equal(single, outputs.AsSpan(s * TModel.OutputSize, TModel.OutputSize).ToArray());
                Assert.Equal(singles[s], states.AsSpan(s * TModel.StateSize, TModel.StateSize).ToArray());
            }
        }
    }
}
