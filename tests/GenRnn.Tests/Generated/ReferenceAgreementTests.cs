using GenRnn.Reference;
using GenRnn.Tests.Golden;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

/// <summary>
/// The generated float32 code against the double-precision scalar reference on random stacked models, over longer
/// sequences than the golden cases: outputs, final state, every parameter gradient, input and initial-state gradients.
/// </summary>
public sealed class ReferenceAgreementTests
{
    // Float32 against float64 over 40 steps: relative 1e-3 with an absolute floor of 1e-4 of the gradient's scale.
    private static readonly Tolerance Agreement = new(1e-3, 1e-4);

    [Fact] public void LstmUnderGruWithTanhHead() => Compare<LstmGruTanh>(1, tokens: false, fromLogits: false);

    [Fact] public void RnnUnder1997LstmWithSigmoidHead() => Compare<RnnLstm1997Sigmoid>(2, tokens: false, fromLogits: true);

    [Fact] public void PeepholeLstmUnderChoGruWithSoftmaxHead() => Compare<PeepholeGruChoSoftmax>(3, tokens: false, fromLogits: false);

    [Fact] public void EmbeddingGruRnn() => Compare<EmbeddingGruRnn>(4, tokens: true, fromLogits: false);

    [Fact] public void OneHotTokensWithoutEmbedding() => Compare<LstmGruTanh>(5, tokens: true, fromLogits: true);

    [Fact] public void WideLayersWithTails() => Compare<WideNoHead>(6, tokens: false, fromLogits: false);

    [Fact] public void SeveralWeightBlocksPerMatrix() => Compare<MultiBlock>(7, tokens: false, fromLogits: false);

    [Fact] public void TunedForVector256WithTwoAccumulators() => Compare<MultiBlockVector256>(7, tokens: false, fromLogits: false);

    [Fact] public void TunedForScalarCode() => Compare<MultiBlockScalar>(7, tokens: false, fromLogits: false);

    [Fact] public void GateBlocksInPairsSinglesAndTails() => Compare<BlockPairs>(8, tokens: false, fromLogits: false, weightScale: 0.15);

    [Fact] public void GateBlocksInPairsWithVector256AndThreeAccumulators() => Compare<BlockPairsVector256>(8, tokens: false, fromLogits: false, weightScale: 0.15);

    [Fact] public void FourGateBlocksPerKernelLstm() => Compare<FourBlockLstm>(9, tokens: false, fromLogits: false, weightScale: 0.15);

    [Fact] public void FourGateBlocksPerKernelGru() => Compare<FourBlockGru>(10, tokens: false, fromLogits: false, weightScale: 0.15);

    // 1024 units: weights at about 1/sqrt(H), as the recommended initialisation draws them.
    [Fact] public void HiddenSize1024() => Compare<Lstm16x1024>(11, tokens: false, fromLogits: false, weightScale: 0.03);

    [Fact] public void GateBlocksInPairsWithScalarCode() => Compare<BlockPairsScalar>(8, tokens: false, fromLogits: false, weightScale: 0.15);

    // Wide layers get smaller weights: at +-0.5 a 150-wide tanh RNN is chaotic and float32 rounding alone grows past
    // any tolerance within 40 steps.
    private static void Compare<TModel>(int seed, bool tokens, bool fromLogits, double weightScale = 0.5) where TModel : class, IRecurrentModel<TModel>
    {
        const int Steps = 40;
        var random = new Random(seed);
        double Next(double scale) => (random.NextDouble() * 2 - 1) * scale;
        var model = TModel.Create();
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)Next(weightScale);
        var reference = new ReferenceModel(TModel.Description, model.Parameters);

        float[] inputs = Enumerable.Range(0, Steps * TModel.InputSize).Select(_ => (float)Next(1)).ToArray();
        int[] ids = Enumerable.Range(0, Steps).Select(_ => random.Next(TModel.VocabularySize)).ToArray();
        float[] state0 = Enumerable.Range(0, TModel.StateSize).Select(_ => (float)Next(0.5)).ToArray();
        float[] dy = Enumerable.Range(0, Steps * TModel.OutputSize).Select(_ => (float)Next(1)).ToArray();
        float[] dState = Enumerable.Range(0, TModel.StateSize).Select(_ => (float)Next(1)).ToArray();

        // Generated.
        float[] state = state0.ToArray();
        var outputs = new float[dy.Length];
        Trace trace = model.CreateTrace();
        if (tokens) model.Forward(ids, state, outputs, trace); else model.Forward(inputs, state, outputs, trace);
        float[] stateGradient = dState.ToArray();
        float[] inputGradients = tokens ? [] : new float[inputs.Length];
        if (fromLogits) model.BackwardFromLogits(trace, dy, stateGradient, inputGradients, model.Gradients);
        else model.Backward(trace, dy, stateGradient, inputGradients, model.Gradients);

        // Reference.
        double[] refState = state0.Select(v => (double)v).ToArray();
        var refOutputs = new double[dy.Length];
        ReferenceTrace refTrace = reference.CreateTrace();
        if (tokens) reference.Forward(ids, refState, refOutputs, refTrace); else reference.Forward(inputs, refState, refOutputs, refTrace);
        double[] refStateGradient = dState.Select(v => (double)v).ToArray();
        double[] refInputGradients = tokens ? [] : new double[inputs.Length];
        var refGradients = new double[reference.ParameterCount];
        double[] dyDouble = dy.Select(v => (double)v).ToArray();
        if (fromLogits) reference.BackwardFromLogits(refTrace, dyDouble, refStateGradient, refInputGradients, refGradients);
        else reference.Backward(refTrace, dyDouble, refStateGradient, refInputGradients, refGradients);

        Agreement.AssertClose("outputs", refOutputs, outputs);
        Agreement.AssertClose("final state", refState, state);
        Agreement.AssertClose("parameter gradients", refGradients, model.Gradients);
        Agreement.AssertClose("input gradients", refInputGradients, inputGradients);
        Agreement.AssertClose("initial state gradient", refStateGradient, stateGradient);
    }
}
