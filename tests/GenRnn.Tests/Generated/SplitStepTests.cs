using GenRnn.Reference;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

// Cores = 2 twins of one-core models (SequenceTests.cs): four-block kernels with a partial block, GRU with its
// recurrent sums in the work buffer, and a stack mixing split layers with one that is not (the reset-before GRU) and a
// layer of one block (not split), under embedding tokens and a softmax head.
[RecurrentModel(Cores = 2)]
[Lstm(20, 130)]
[Dense(5)]
public partial class SplitFourBlockLstm;

[RecurrentModel(Cores = 2)]
[Gru(10, 180)]
public partial class SplitFourBlockGru;

[RecurrentModel(Cores = 2)]
[Embedding(vocabulary: 50, dimensions: 16)]
[Lstm(16, 64, Peepholes = true)]
[Gru(64, 40, ResetAfter = false)]
[Rnn(40, 12)]
[Gru(12, 70)]
[Dense(50, Activation = Activation.Softmax)]
public partial class SplitStack;

[RecurrentModel]
[Embedding(vocabulary: 50, dimensions: 16)]
[Lstm(16, 64, Peepholes = true)]
[Gru(64, 40, ResetAfter = false)]
[Rnn(40, 12)]
[Gru(12, 70)]
[Dense(50, Activation = Activation.Softmax)]
public partial class OneCoreStack;

// A small model (whose one-core twin chains its kernels' accumulators; the split one does not) under Vector256.
[RecurrentModel(Cores = 2, VectorWidth = 256)]
[Rnn(8, 32)]
[Lstm(32, 48, ForgetGate = false)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class SplitSmall;

// The bfloat16 snapshot of a split model against the one-core model's: split LSTM and GRU layers, a reset-before GRU
// (float weights, not split).
[RecurrentModel(Cores = 2, BFloat16Inference = true)]
[Lstm(12, 70)]
[Gru(70, 80)]
[Gru(80, 20, ResetAfter = false)]
[Dense(3)]
public partial class SplitBFloat16Stack;

[RecurrentModel(BFloat16Inference = true)]
[Lstm(12, 70)]
[Gru(70, 80)]
[Gru(80, 20, ResetAfter = false)]
[Dense(3)]
public partial class OneCoreBFloat16Stack;

// LSTM options split across two cores: no input gate with peepholes (three blocks), CIFG with an identity output.
[RecurrentModel(Cores = 2)]
[Lstm(10, 90, InputGate = false, Peepholes = true)]
[Lstm(90, 70, CoupledGates = true, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
[Dense(4)]
public partial class SplitLstmOptions;

[RecurrentModel]
[Lstm(10, 90, InputGate = false, Peepholes = true)]
[Lstm(90, 70, CoupledGates = true, Peepholes = true, CellOutputActivation = CellActivation.Identity)]
[Dense(4)]
public partial class OneCoreLstmOptions;

/// <summary>
/// A Step split across two cores (Cores = 2) gives exactly the one-core Step's result, whichever thread computed the
/// partner's half (the partner, the caller taking it back, or the caller when the partner is taken), and whether or not
/// another thread is stepping the same model.
/// </summary>
public sealed class SplitStepTests
{
    [Fact] public void FourBlockLstmEqualsOneCore() => CompareWithTwin<SplitFourBlockLstm, FourBlockLstm>(tokens: false);

    [Fact] public void FourBlockGruEqualsOneCore() => CompareWithTwin<SplitFourBlockGru, FourBlockGru>(tokens: false);

    [Fact] public void StackWithTokensEqualsOneCore() => CompareWithTwin<SplitStack, OneCoreStack>(tokens: true);

    [Fact] public void StackWithVectorsEqualsOneCore() => CompareWithTwin<SplitStack, OneCoreStack>(tokens: false);

    [Fact] public void LstmOptionsEqualOneCore() => CompareWithTwin<SplitLstmOptions, OneCoreLstmOptions>(tokens: false);

    [Fact]
    public void BFloat16SnapshotEqualsOneCore()
    {
        var (model, twin) = Twins<SplitBFloat16Stack, OneCoreBFloat16Stack>(seed: 31);
        IInferenceModel split = model.ToBFloat16(), one = twin.ToBFloat16();
        var random = new Random(32);
        const int Steps = 30;
        float[] inputs = Enumerable.Range(0, Steps * SplitBFloat16Stack.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] state0 = Enumerable.Range(0, SplitBFloat16Stack.StateSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] state = state0.ToArray(), twinState = state0.ToArray();
        var output = new float[SplitBFloat16Stack.OutputSize];
        var expected = new float[SplitBFloat16Stack.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            ReadOnlySpan<float> x = inputs.AsSpan(t * SplitBFloat16Stack.InputSize, SplitBFloat16Stack.InputSize);
            split.Step(x, state, output);
            one.Step(x, twinState, expected);
            Assert.True(expected.AsSpan().SequenceEqual(output), $"step {t}: the output differs from the one-core snapshot's");
            Assert.True(twinState.AsSpan().SequenceEqual(state), $"step {t}: the state differs from the one-core snapshot's");
        }

        // Forward (the split steps one by one) from the same state gives the same again.
        state = state0.ToArray();
        twinState = state0.ToArray();
        var outputs = new float[Steps * SplitBFloat16Stack.OutputSize];
        var expectedOutputs = new float[outputs.Length];
        split.Forward(inputs, state, outputs);
        one.Forward(inputs, twinState, expectedOutputs);
        Assert.True(expectedOutputs.AsSpan().SequenceEqual(outputs), "Forward's outputs differ from the one-core snapshot's");
        Assert.True(twinState.AsSpan().SequenceEqual(state), "Forward's final state differs from the one-core snapshot's");
    }

    [Fact]
    public void SmallModelAgreesWithTheReference()
    {
        const int Steps = 50;
        var model = Filled<SplitSmall>(seed: 5);
        var random = new Random(6);
        float[] inputs = Enumerable.Range(0, Steps * SplitSmall.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var state = new float[SplitSmall.StateSize];
        var outputs = new float[Steps * SplitSmall.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            model.Step(inputs.AsSpan(t * SplitSmall.InputSize, SplitSmall.InputSize), state, outputs.AsSpan(t * SplitSmall.OutputSize, SplitSmall.OutputSize));
        }

        var reference = new ReferenceModel(SplitSmall.Description, model.Parameters);
        var referenceState = new double[SplitSmall.StateSize];
        var expected = new double[outputs.Length];
        reference.Forward(inputs, referenceState, expected);
        for (int j = 0; j < outputs.Length; j++) Assert.Equal(expected[j], outputs[j], 1e-5);
        for (int j = 0; j < state.Length; j++) Assert.Equal(referenceState[j], state[j], 1e-5);
    }

    [Fact]
    public void ThePartnerComputesHalves()
    {
        var model = Filled<SplitFourBlockLstm>(seed: 3);
        var state = new float[SplitFourBlockLstm.StateSize];
        var output = new float[SplitFourBlockLstm.OutputSize];
        var x = new float[SplitFourBlockLstm.InputSize];
        long before = CorePartner.Shared.JobsRun;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (CorePartner.Shared.JobsRun == before && clock.Elapsed < TimeSpan.FromSeconds(Environment.ProcessorCount > 1 ? 20 : 0.2))
        {
            model.Step(x, state, output);
        }

        if (Environment.ProcessorCount > 1)
        {
            Assert.True(CorePartner.Shared.JobsRun > before, "the partner claimed no job in 20 s of steps");
        }
        else
        {
            Assert.Equal(before, CorePartner.Shared.JobsRun); // one core: the partner never starts
        }
    }

    [Fact]
    public void StepsWhileThePartnerIsTakenRunOnTheCaller()
    {
        var (model, twin) = Twins<SplitFourBlockGru, FourBlockGru>(seed: 8);
        using var release = new ManualResetEventSlim();
        var holder = new Holder(release);
        // Other tests' steps may hold the partner for a moment; one core: it is never free.
        bool posted = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!posted && Environment.ProcessorCount > 1 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            posted = CorePartner.Shared.TryAcquire();
        }

        if (posted)
        {
            CorePartner.Shared.Post(holder, 0);
        }

        Assert.True(posted || Environment.ProcessorCount == 1, "the partner stayed taken for 10 s");
        try
        {
            // The partner is taken (its job held), so every step below computes both halves on this thread.
            CompareSteps(model, twin, tokens: false, new Random(9), steps: 20);
        }
        finally
        {
            release.Set();
            if (posted)
            {
                CorePartner.Shared.Join();
                CorePartner.Shared.Release();
            }
        }
    }

    [Fact]
    public void ConcurrentStepsOnOneModelGiveEachStreamItsOwnResult()
    {
        var (model, twin) = Twins<SplitFourBlockLstm, FourBlockLstm>(seed: 11);
        const int Threads = 4, Steps = 300;
        var inputs = new float[Threads][];
        var random = new Random(12);
        for (int s = 0; s < Threads; s++)
        {
            inputs[s] = Enumerable.Range(0, Steps * SplitFourBlockLstm.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        }

        var expected = new float[Threads][];
        var actual = new float[Threads][];
        for (int s = 0; s < Threads; s++)
        {
            expected[s] = RunStream(twin.Step, inputs[s], Steps);
        }

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, s => actual[s] = RunStream(model.Step, inputs[s], Steps));
        for (int s = 0; s < Threads; s++)
        {
            Assert.True(expected[s].AsSpan().SequenceEqual(actual[s]), $"stream {s} differs from the one-core model's");
        }
    }

    [Fact]
    public void SplitStepAndForwardAllocateNothing()
    {
        var model = Filled<SplitStack>(seed: 2);
        var state = new float[SplitStack.StateSize];
        var output = new float[SplitStack.OutputSize];
        var x = new float[SplitStack.InputSize];
        var inputs = new float[5 * SplitStack.InputSize];
        var tokens = new int[5];
        var outputs = new float[5 * SplitStack.OutputSize];
        void Run(int calls)
        {
            for (int i = 0; i < calls; i++)
            {
                model.Step(x, state, output);
                model.Step(i % SplitStack.VocabularySize, state, output);
                model.Forward(inputs, state, outputs);
                model.Forward(tokens, state, outputs);
                Array.Clear(state);
            }
        }

        Run(200);
        AllocationAssert.NothingAllocated(() => Run(2_000), "SplitStack: Step and Forward");
    }

    private delegate void StepCall(ReadOnlySpan<float> input, Span<float> state, Span<float> output);

    private static float[] RunStream(StepCall step, float[] inputs, int steps)
    {
        int inputSize = inputs.Length / steps;
        var state = new float[SplitFourBlockLstm.StateSize];
        var outputs = new float[steps * SplitFourBlockLstm.OutputSize];
        for (int t = 0; t < steps; t++)
        {
            step(inputs.AsSpan(t * inputSize, inputSize), state, outputs.AsSpan(t * SplitFourBlockLstm.OutputSize, SplitFourBlockLstm.OutputSize));
        }

        return outputs;
    }

    private static void CompareWithTwin<TSplit, TOne>(bool tokens)
        where TSplit : class, IRecurrentModel<TSplit>
        where TOne : class, IRecurrentModel<TOne>
    {
        Assert.Equal(TOne.ParameterCount, TSplit.ParameterCount);
        var (model, twin) = Twins<TSplit, TOne>(seed: 21);
        CompareSteps(model, twin, tokens, new Random(22), steps: 40);
    }

    private static void CompareSteps<TSplit, TOne>(TSplit model, TOne twin, bool tokens, Random random, int steps)
        where TSplit : class, IRecurrentModel<TSplit>
        where TOne : class, IRecurrentModel<TOne>
    {
        float[] state = Enumerable.Range(0, TSplit.StateSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] twinState = state.ToArray();
        var output = new float[TSplit.OutputSize];
        var expected = new float[TSplit.OutputSize];
        for (int t = 0; t < steps; t++)
        {
            if (tokens)
            {
                int id = random.Next(TSplit.VocabularySize);
                model.Step(id, state, output);
                twin.Step(id, twinState, expected);
            }
            else
            {
                float[] x = Enumerable.Range(0, TSplit.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                model.Step(x, state, output);
                twin.Step(x, twinState, expected);
            }

            Assert.True(expected.AsSpan().SequenceEqual(output), $"step {t}: the output differs from the one-core model's");
            Assert.True(twinState.AsSpan().SequenceEqual(state), $"step {t}: the state differs from the one-core model's");
        }
    }

    // A model with Fill's parameters for the seed.
    private static TModel Filled<TModel>(int seed)
        where TModel : class, IRecurrentModel<TModel>
    {
        var model = TModel.Create();
        Fill(model.Parameters, new Random(seed));
        return model;
    }

    // A Cores = 2 model with Fill's parameters for the seed, and its one-core twin holding the same parameters.
    private static (TSplit Model, TOne Twin) Twins<TSplit, TOne>(int seed)
        where TSplit : class, IRecurrentModel<TSplit>
        where TOne : class, IRecurrentModel<TOne>
    {
        var model = Filled<TSplit>(seed);
        var twin = TOne.Create();
        model.Parameters.CopyTo(twin.Parameters, 0);
        return (model, twin);
    }

    private static void Fill(float[] parameters, Random random)
    {
        for (int i = 0; i < parameters.Length; i++) parameters[i] = (float)(random.NextDouble() - 0.5) * 0.3f;
    }

    // A job that holds the partner until released (or, taken back by Finish, returns at once).
    private sealed class Holder(ManualResetEventSlim release) : ISplitStep
    {
        public void RunPart(int part) => release.Wait(TimeSpan.FromSeconds(30));
    }
}
