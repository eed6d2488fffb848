using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests.Training;

public class ParameterInitializerTests
{
    // Layer 0 and layer 1 have different hidden sizes, so using the wrong layer's H shows up in the bounds.
    private static readonly ModelDescription Lstm = ModelDescription.Create(
        "Tests.Lstm", 200, 16, [new LayerSpec(CellKind.Lstm, 16, 32), new LayerSpec(CellKind.Lstm, 32, 24)], 10, Activation.Softmax);

    private static readonly ModelDescription Gru = ModelDescription.Create(
        "Tests.Gru", 0, 0, [new LayerSpec(CellKind.Gru, 8, 20)], 5, Activation.Identity);

    private static readonly ModelDescription Peephole = ModelDescription.Create(
        "Tests.Peephole", 0, 0, [new LayerSpec(CellKind.PeepholeLstm, 6, 12)], 0, Activation.Identity);

    private static readonly ModelDescription NoForgetGate = ModelDescription.Create(
        "Tests.NoForgetGate", 0, 0, [new LayerSpec(CellKind.LstmNoForgetGate, 5, 9), new LayerSpec(CellKind.Rnn, 9, 7)], 3, Activation.Sigmoid);

    // No input gate with peepholes (blocks f, g, o: the forget bias is the first block), over CIFG (no forget block).
    private static readonly ModelDescription Options = ModelDescription.Create(
        "Tests.Options", 0, 0, [new LayerSpec(CellKind.LstmVariant, 4, 8, new LstmOptions { InputGate = false, Peepholes = true }), new LayerSpec(CellKind.LstmVariant, 8, 6, new LstmOptions { CoupledGates = true })], 2, Activation.Tanh);

    public static TheoryData<string> Models => new() { "lstm", "gru", "peephole", "noforget", "options" };

    private static ModelDescription Get(string name) => name switch
    {
        "lstm" => Lstm,
        "gru" => Gru,
        "peephole" => Peephole,
        "noforget" => NoForgetGate,
        "options" => Options,
        _ => throw new ArgumentException(name),
    };

    private static float[] Init(ModelDescription d, bool recommended, int seed)
    {
        float[] p = new float[d.ParameterCount];
        Array.Fill(p, float.NaN); // so an unwritten parameter shows
        if (recommended)
        {
            ParameterInitializer.Recommended(d, p, seed);
        }
        else
        {
            ParameterInitializer.PyTorchDefault(d, p, seed);
        }

        return p;
    }

    /// <summary>The tensor in PyTorch's row-major layout, through PyTorchLayout (independent of the initializer's writes).</summary>
    private static float[] Tensor(ModelDescription d, float[] p, string name) =>
        PyTorchLayout.Export(d, p).Single(t => t.Name == name).Data;

    private static void AssertUniform(float[] values, double bound, string what)
    {
        double max = values.Max(v => Math.Abs((double)v));
        Assert.True(max <= bound, $"{what}: |value| {max} exceeds the bound {bound}");
        if (values.Length >= 100)
        {
            Assert.True(max >= 0.9 * bound, $"{what}: largest |value| {max} is far inside the bound {bound}");
            double mean = values.Average(v => (double)v);
            double variance = values.Average(v => ((double)v - mean) * ((double)v - mean));
            Assert.True(Math.Abs(mean) < 0.1 * bound, $"{what}: mean {mean}");
            Assert.True(Math.Abs(variance / (bound * bound / 3) - 1) < 0.15, $"{what}: variance {variance}, uniform gives {bound * bound / 3}");
        }
    }

    [Fact]
    public void PyTorchDefault_follows_the_PyTorch_modules()
    {
        float[] p = Init(Lstm, recommended: false, seed: 1);
        foreach (string t in new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" })
        {
            AssertUniform(Tensor(Lstm, p, t), 1 / Math.Sqrt(32), t);
        }

        foreach (string t in new[] { "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1" })
        {
            AssertUniform(Tensor(Lstm, p, t), 1 / Math.Sqrt(24), t);
        }

        AssertUniform(Tensor(Lstm, p, "head.weight"), 1 / Math.Sqrt(24), "head.weight");
        AssertUniform(Tensor(Lstm, p, "head.bias"), 1 / Math.Sqrt(24), "head.bias");

        float[] embedding = Tensor(Lstm, p, "embedding.weight"); // N(0, 1): 3200 draws
        double mean = embedding.Average(v => (double)v);
        double variance = embedding.Average(v => ((double)v - mean) * ((double)v - mean));
        Assert.True(Math.Abs(mean) < 0.06, $"embedding mean {mean}");
        Assert.True(Math.Abs(variance - 1) < 0.1, $"embedding variance {variance}");
        Assert.True(embedding.Max(v => Math.Abs(v)) > 2.5, "a N(0, 1) sample of 3200 reaches beyond 2.5");
    }

    [Fact]
    public void PyTorchDefault_includes_peepholes()
    {
        float[] p = Init(Peephole, recommended: false, seed: 2);
        foreach (string t in new[] { "peephole_i_l0", "peephole_f_l0", "peephole_o_l0" })
        {
            float[] v = Tensor(Peephole, p, t);
            Assert.All(v, x => Assert.True(Math.Abs(x) <= 1 / Math.Sqrt(12)));
            Assert.Contains(v, x => x != 0);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_parameter_is_written_and_seeds_are_deterministic(string model)
    {
        ModelDescription d = Get(model);
        foreach (bool recommended in new[] { false, true })
        {
            float[] a = Init(d, recommended, 42);
            Assert.All(a, x => Assert.True(float.IsFinite(x)));
            Assert.Equal(a, Init(d, recommended, 42));
            float[] b = Init(d, recommended, 43);
            int same = a.Zip(b).Count(z => z.First == z.Second);
            int constants = recommended ? a.Count(x => x is 0f or 1f) : 0; // zero biases and forget biases do not depend on the seed
            Assert.True(same <= constants + a.Length / 100, $"{same} of {a.Length} parameters equal under another seed");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Recommended_recurrent_weights_are_orthogonal_per_gate_block(string model)
    {
        ModelDescription d = Get(model);
        float[] p = Init(d, recommended: true, seed: 7);
        for (int l = 0; l < d.Layers.Count; l++)
        {
            int h = d.Layers[l].HiddenSize, gates = d.Layers[l].GateCount;
            float[] w = Tensor(d, p, $"weight_hh_l{l}"); // [gates·H, H] row-major
            var blocks = new List<float[]>();
            for (int g = 0; g < gates; g++)
            {
                float[] block = w.AsSpan(g * h * h, h * h).ToArray();
                blocks.Add(block);
                for (int i = 0; i < h; i++)
                {
                    for (int j = 0; j < h; j++)
                    {
                        double rows = 0, columns = 0;
                        for (int k = 0; k < h; k++)
                        {
                            rows += (double)block[i * h + k] * block[j * h + k]; // W Wᵀ
                            columns += (double)block[k * h + i] * block[k * h + j]; // Wᵀ W
                        }

                        double identity = i == j ? 1 : 0;
                        Assert.True(Math.Abs(rows - identity) < 1e-5, $"layer {l} gate {g}: (W Wᵀ)[{i},{j}] = {rows}");
                        Assert.True(Math.Abs(columns - identity) < 1e-5, $"layer {l} gate {g}: (Wᵀ W)[{i},{j}] = {columns}");
                    }
                }
            }

            for (int g = 1; g < gates; g++)
            {
                Assert.NotEqual(blocks[0], blocks[g]);
            }
        }
    }

    [Fact]
    public void Recommended_input_and_head_weights_are_Glorot_uniform()
    {
        float[] p = Init(Lstm, recommended: true, seed: 3);
        AssertUniform(Tensor(Lstm, p, "weight_ih_l0"), Math.Sqrt(6.0 / (16 + 32)), "weight_ih_l0");
        AssertUniform(Tensor(Lstm, p, "weight_ih_l1"), Math.Sqrt(6.0 / (32 + 24)), "weight_ih_l1");
        AssertUniform(Tensor(Lstm, p, "head.weight"), Math.Sqrt(6.0 / (24 + 10)), "head.weight");
        Assert.All(Tensor(Lstm, p, "head.bias"), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Recommended_biases_are_zero_but_the_LSTM_forget_gate()
    {
        float[] lstm = Init(Lstm, recommended: true, seed: 4);
        for (int l = 0; l < 2; l++)
        {
            int h = Lstm.Layers[l].HiddenSize;
            float[] bih = Tensor(Lstm, lstm, $"bias_ih_l{l}");
            for (int i = 0; i < bih.Length; i++)
            {
                Assert.Equal(i >= h && i < 2 * h ? 1f : 0f, bih[i]); // gates i, f, g, o
            }

            Assert.All(Tensor(Lstm, lstm, $"bias_hh_l{l}"), x => Assert.Equal(0f, x));
        }

        float[] peephole = Init(Peephole, recommended: true, seed: 4);
        Assert.Equal(12f, Tensor(Peephole, peephole, "bias_ih_l0").Sum());
        Assert.Equal(Enumerable.Repeat(1f, 12), Tensor(Peephole, peephole, "bias_ih_l0")[12..24]);
        foreach (string t in new[] { "peephole_i_l0", "peephole_f_l0", "peephole_o_l0", "bias_hh_l0" })
        {
            Assert.All(Tensor(Peephole, peephole, t), x => Assert.Equal(0f, x));
        }

        float[] gru = Init(Gru, recommended: true, seed: 4);
        Assert.All(Tensor(Gru, gru, "bias_ih_l0").Concat(Tensor(Gru, gru, "bias_hh_l0")), x => Assert.Equal(0f, x));
        float[] noForget = Init(NoForgetGate, recommended: true, seed: 4);
        Assert.All(Tensor(NoForgetGate, noForget, "bias_ih_l0"), x => Assert.Equal(0f, x)); // gates i, g, o: no forget gate

        float[] options = Init(Options, recommended: true, seed: 4);
        Assert.Equal(Enumerable.Repeat(1f, 8).Concat(Enumerable.Repeat(0f, 16)), Tensor(Options, options, "bias_ih_l0")); // gates f, g, o
        Assert.All(Tensor(Options, options, "bias_ih_l1"), x => Assert.Equal(0f, x)); // gates i, g, o: f = 1 - i has no bias
        Assert.All(Tensor(Options, options, "peephole_f_l0"), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Writes_respect_the_transposed_storage()
    {
        // A weight written straight at Offset + row-major index would, read back in PyTorch's layout, mix the gate
        // blocks of weight_hh and break their orthogonality (checked above); here check the position directly.
        float[] p = Init(Gru, recommended: true, seed: 5);
        ParameterTensor w = Gru.Find("weight_ih_l0")!;
        Assert.True(w.Transposed);
        float[] exported = Tensor(Gru, p, "weight_ih_l0");
        int rows = w.Shape[0], columns = w.Shape[1];
        Assert.Equal(exported[1 * columns + 0], p[w.Offset + 0 * rows + 1]); // [1, 0] lives at column 0, row 1
        Assert.NotEqual(exported[1 * columns + 0], p[w.Offset + 1 * columns + 0]);
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => ParameterInitializer.PyTorchDefault(Gru, new float[Gru.ParameterCount - 1], 1)).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => ParameterInitializer.Recommended(Gru, new float[Gru.ParameterCount + 1], 1)).ParamName);
        Assert.Throws<ArgumentNullException>(() => ParameterInitializer.Recommended(null!, new float[3], 1));
        var odd = Gru with { Tensors = [.. Gru.Tensors, new ParameterTensor("mystery", [2], Gru.ParameterCount, 0)] };
        var e = Assert.Throws<ArgumentException>(() => ParameterInitializer.PyTorchDefault(odd, new float[odd.ParameterCount], 1));
        Assert.Equal("description", e.ParamName);
        Assert.Contains("mystery", e.Message);
    }
}
