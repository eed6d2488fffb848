using System.Runtime.InteropServices;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests;

public class BFloat16Tests
{
    [Fact]
    public void RoundIsNearestEven()
    {
        Assert.Equal(0x3F80, BFloat16.Round(1f));
        Assert.Equal(0xBF80, BFloat16.Round(-1f));
        Assert.Equal(0x0000, BFloat16.Round(0f));
        Assert.Equal(0x8000, BFloat16.Round(-0f));
        Assert.Equal(0x7F80, BFloat16.Round(float.PositiveInfinity));
        Assert.Equal(0xFF80, BFloat16.Round(float.NegativeInfinity));
        Assert.True(float.IsNaN(BFloat16.ToSingle(BFloat16.Round(float.NaN))));

        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1); 1 + 3 * 2^-8 goes up to 1 + 2^-6.
        Assert.Equal(1f, BFloat16.RoundToSingle(1f + MathF.Pow(2, -8)));
        Assert.Equal(1f + MathF.Pow(2, -6), BFloat16.RoundToSingle(1f + (3 * MathF.Pow(2, -8))));
        Assert.Equal(1f + MathF.Pow(2, -7), BFloat16.RoundToSingle(1f + MathF.Pow(2, -8) + MathF.Pow(2, -20)));

        var random = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            float x = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-30, 30)));
            float y = BFloat16.RoundToSingle(x);
            Assert.True(Math.Abs(y - x) <= Math.Abs(x) * Math.Pow(2, -8), $"{x:R} -> {y:R}");
            Assert.Equal(y, BFloat16.RoundToSingle(y)); // representable values stay
        }
    }

    [Theory]
    [InlineData(7, 70)]   // odd K: the last pair has one row; a full block and a partial one
    [InlineData(8, 128)]  // two full blocks
    [InlineData(1, 5)]
    public void PackPairsHoldsRowPairsPerBlock(int rows, int columns)
    {
        var random = new Random(rows * 1000 + columns);
        float[] blocked = Enumerable.Range(0, rows * columns).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var packed = new float[BFloat16.PackedLength(rows, columns)];
        BFloat16.PackPairs(blocked, rows, columns, packed);
        uint[] words = MemoryMarshal.Cast<float, uint>(packed.AsSpan()).ToArray();
        int pairs = (rows + 1) / 2;
        for (int k = 0; k < rows; k++)
        {
            for (int n = 0; n < columns; n++)
            {
                int start = n / 64 * 64, width = Math.Min(64, columns - start);
                float value = blocked[(start * rows) + (k * width) + (n - start)];
                uint word = words[(start * pairs) + (k / 2 * width) + (n - start)];
                ushort half = (ushort)(k % 2 == 0 ? word >> 16 : word & 0xFFFF);
                Assert.Equal(BFloat16.Round(value), half);
            }
        }

        if (rows % 2 == 1)
        {
            Assert.All(Enumerable.Range(0, columns), n =>
            {
                int start = n / 64 * 64, width = Math.Min(64, columns - start);
                Assert.Equal(0u, words[(start * pairs) + ((rows / 2) * width) + (n - start)] & 0xFFFF);
            });
        }
    }

    [Fact]
    public void PackPairsValidatesLengths()
    {
        Assert.Equal("blocked", Assert.Throws<ArgumentException>(() => BFloat16.PackPairs(new float[5], 2, 3, new float[3])).ParamName);
        Assert.Equal("packed", Assert.Throws<ArgumentException>(() => BFloat16.PackPairs(new float[6], 2, 3, new float[4])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => BFloat16.PackedLength(-1, 3));
    }

    [Fact] public void SnapshotEqualsFloatModelOnRoundedWeights() => AssertSnapshot<BFloat16Stack>(1, m => m.ToBFloat16());

    [Fact] public void SnapshotWithVector256() => AssertSnapshot<BFloat16StackVector256>(1, m => m.ToBFloat16());

    [Fact] public void SnapshotWithScalarCode() => AssertSnapshot<BFloat16StackScalar>(1, m => m.ToBFloat16());

    [Fact] public void SnapshotWithPeepholesResetBeforeGruAnd1997Lstm() => AssertSnapshot<BFloat16PeepholeCho>(2, m => m.ToBFloat16());

    [Fact] public void SnapshotWithLstmOptions() => AssertSnapshot<BFloat16LstmOptions>(5, m => m.ToBFloat16());

    [Fact] public void SnapshotOfAWideLstm() => AssertSnapshot<BFloat16Lstm64x256>(3, m => m.ToBFloat16());

    [Fact] public void SnapshotWithChainedAccumulators() => AssertSnapshot<BFloat16Chains>(4, m => m.ToBFloat16());

    [Fact] public void SnapshotWithChainedAccumulatorsVector256() => AssertSnapshot<BFloat16ChainsVector256>(4, m => m.ToBFloat16());

    [Fact]
    public void SnapshotStepsAllocateNothing()
    {
        var model = new BFloat16Stack();
        BFloat16Stack.BFloat16Model snapshot = model.ToBFloat16();
        var input = new float[BFloat16Stack.InputSize];
        var inputs = new float[10 * BFloat16Stack.InputSize];
        var state = new BFloat16Stack.State();
        var output = new float[BFloat16Stack.OutputSize];
        var outputs = new float[10 * BFloat16Stack.OutputSize];
        int[] tokens = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        for (int i = 0; i < 100; i++)
        {
            snapshot.Step(input, ref state, output);
            snapshot.Step(3, ref state, output);
            snapshot.Forward(inputs, ref state, outputs);
            snapshot.Forward(tokens, ref state, outputs);
        }

        AllocationAssert.NothingAllocated(
            () =>
            {
                for (int i = 0; i < 2_000; i++)
                {
                    snapshot.Step(input, ref state, output);
                    snapshot.Step(3, ref state, output);
                    snapshot.Forward(inputs, ref state, outputs);
                    snapshot.Forward(tokens, ref state, outputs);
                }
            },
            "2,000 rounds of snapshot Step and Forward");
    }

    [Fact]
    public void SnapshotValidatesLikeTheModel()
    {
        IInferenceModel snapshot = new BFloat16Stack().ToBFloat16();
        Assert.Equal("input", Assert.ThrowsAny<ArgumentException>(() => snapshot.Step(new float[3], new float[BFloat16Stack.StateSize], new float[BFloat16Stack.OutputSize])).ParamName);
        Assert.Equal("state", Assert.ThrowsAny<ArgumentException>(() => snapshot.Step(new float[BFloat16Stack.InputSize], new float[2], new float[BFloat16Stack.OutputSize])).ParamName);
        Assert.Equal("token", Assert.ThrowsAny<ArgumentException>(() => snapshot.Step(BFloat16Stack.VocabularySize, new float[BFloat16Stack.StateSize], new float[BFloat16Stack.OutputSize])).ParamName);
    }

    // The snapshot computes in float32 in the same order as the float kernels, so on weights rounded to bfloat16 the two
    // must agree bit for bit; against the unrounded model they differ by the rounding (and must differ somewhere, or the
    // snapshot is not reading bfloat16).
    private static void AssertSnapshot<TModel>(int seed, Func<TModel, IInferenceModel> snapshotOf) where TModel : class, IRecurrentModel<TModel>
    {
        const int Steps = 30;
        var random = new Random(seed);
        TModel model = TModel.Create();
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)((random.NextDouble() * 2 - 1) * 0.3);
        float[] inputs = Enumerable.Range(0, Steps * TModel.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        int[] tokens = Enumerable.Range(0, Steps).Select(_ => random.Next(TModel.VocabularySize)).ToArray();
        float[] state0 = Enumerable.Range(0, TModel.StateSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

        IInferenceModel snapshot = snapshotOf(model);
        TModel rounded = TModel.Create();
        model.Parameters.CopyTo(rounded.Parameters, 0);
        foreach (ParameterTensor tensor in TModel.Description.Tensors)
        {
            int layer = tensor.Name.StartsWith("weight_", StringComparison.Ordinal) ? int.Parse(tensor.Name[(tensor.Name.LastIndexOf('l') + 1)..]) : -1;
            if (layer >= 0 && TModel.Description.Layers[layer].Cell != CellKind.GruResetBefore)
            {
                Span<float> values = rounded.Parameters.AsSpan(tensor.Offset, tensor.Length);
                for (int i = 0; i < values.Length; i++) values[i] = BFloat16.RoundToSingle(values[i]);
            }
        }

        // Forward over float inputs and over tokens, and Step by step.
        float[] expected = Run(rounded, inputs, state0, out float[] expectedState);
        float[] plain = Run(model, inputs, state0, out _);
        float[] actual = new float[expected.Length], state = state0.ToArray();
        snapshot.Forward(inputs, state, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(expectedState, state);
        Assert.NotEqual(plain, actual);
        Assert.True(plain.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) < 0.05, "bfloat16 weights moved an output by more than 0.05");

        float[] stepped = new float[expected.Length], stepState = state0.ToArray();
        for (int t = 0; t < Steps; t++)
        {
            snapshot.Step(inputs.AsSpan(t * TModel.InputSize, TModel.InputSize), stepState, stepped.AsSpan(t * TModel.OutputSize, TModel.OutputSize));
        }

        Assert.Equal(expected, stepped);

        float[] tokenExpected = new float[expected.Length], tokenActual = new float[expected.Length];
        rounded.Forward(tokens, state0.ToArray(), tokenExpected);
        snapshot.Forward(tokens, state0.ToArray(), tokenActual);
        Assert.Equal(tokenExpected, tokenActual);

        // A snapshot: later changes to the model do not reach it.
        Array.Clear(model.Parameters);
        float[] again = new float[expected.Length];
        snapshot.Forward(inputs, state0.ToArray(), again);
        Assert.Equal(expected, again);
    }

    private static float[] Run<TModel>(TModel model, float[] inputs, float[] state0, out float[] state) where TModel : class, IRecurrentModel<TModel>
    {
        var outputs = new float[inputs.Length / TModel.InputSize * TModel.OutputSize];
        state = state0.ToArray();
        model.Forward(inputs, state, outputs);
        return outputs;
    }
}
