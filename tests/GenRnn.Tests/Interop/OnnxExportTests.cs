using GenRnn.Interop;
using GenRnn.Tests.Models;
using GenRnn.Tests.Training;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace GenRnn.Tests.Interop;

/// <summary>
/// Every model ONNX can express, exported and run by ONNX Runtime, gives GenRnn's outputs and final states within
/// 1e-5: each cell alone, stacked, under every head activation, and after an embedding.
/// </summary>
public sealed class OnnxExportTests
{
    private const int Steps = 12;

    private static readonly Dictionary<string, Action<int>> Models = new()
    {
        ["rnn"] = Check<Rnn8x16>,
        ["lstm"] = Check<Lstm8x16>,
        ["peephole lstm"] = Check<PeepholeLstm8x16>,
        ["gru"] = Check<Gru8x16>,
        ["cho gru"] = Check<GruCho8x16>,
        ["2 rnn"] = Check<RnnTwoLayers>,
        ["2 lstm"] = Check<LstmTwoLayers>,
        ["2 peephole lstm"] = Check<PeepholeLstmTwoLayers>,
        ["2 gru"] = Check<GruTwoLayers>,
        ["2 cho gru"] = Check<GruChoTwoLayers>,
        ["lstm gru tanh head"] = Check<LstmGruTanh>,
        ["peephole cho softmax head"] = Check<PeepholeGruChoSoftmax>,
        ["rnn gru sigmoid head"] = Check<RnnGruSigmoid>,
        ["cho gru peephole lstm, no head"] = Check<WideNoHead>,
        ["identity head (one-hot tokens, training model)"] = Check<TrainLstm>,
        ["embedding gru rnn identity head"] = Check<EmbeddingGruRnn>,
        ["embedding lstm softmax head"] = Check<LstmLm>,
        ["embedding peephole stack tanh head"] = Check<EmbeddingPeepholeStackTanh>,
        ["cifg peephole lstm (input_forget)"] = Check<Cifg8x16>,
        ["embedding cifg peephole lstm softmax head"] = Check<CifgLm>,
        ["identity cell input (Affine g)"] = Check<Niaf8x16W256>,
        ["identity cell output (Affine h)"] = Check<Noaf8x16W32>,
        ["2 identity cell output"] = Check<NoafTwoLayers>,
    };

    public static TheoryData<string> ModelNames() => new(Models.Keys);

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Onnx_runtime_reproduces_the_exported_model(string name) => Models[name](name.Length);

    [Fact]
    public void The_1997_lstm_has_no_onnx_form()
    {
        var model = RnnLstm1997Sigmoid.Create();
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => Onnx.Serialize(model));
        Assert.Contains("layer 1 is an LSTM without a forget gate", e.Message, StringComparison.Ordinal);

        string path = Path.Combine(Path.GetTempPath(), $"genrnn-{Guid.NewGuid():N}.onnx");
        Assert.Throws<NotSupportedException>(() => Onnx.Export(path, model));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Lstm_options_onnx_cannot_hold_are_named()
    {
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => Onnx.Serialize(LstmOptionsStackTanh.Create()));
        Assert.Contains("layer 1 is an LSTM with InputGate = false", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<NotSupportedException>(() => Onnx.Serialize(Nig3x5.Create()));
        Assert.Contains("InputGate = false", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<NotSupportedException>(() => Onnx.Serialize(Nfg3x5.Create()));
        Assert.Contains("ForgetGate = false", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<NotSupportedException>(() => Onnx.Serialize(Nog3x5.Create()));
        Assert.Contains("OutputGate = false", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lstm_options_exported_are_not_imported_into_their_layers()
    {
        // The attributes GenRnn writes for them are not read back...
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => Onnx.Import(Onnx.Serialize(Cifg3x5.Create()), Cifg3x5.Description, Cifg3x5.Create().Parameters, "cifg.onnx"));
        Assert.Contains("input_forget", e.Message, StringComparison.Ordinal);

        // ...and a plain LSTM node of the same shape does not fill a layer with options.
        var niaf = Niaf3x5.Create();
        e = Assert.Throws<NotSupportedException>(() => Onnx.Import(Onnx.Serialize(PeepholeLstm3x5.Create()), Niaf3x5.Description, niaf.Parameters, "peephole.onnx"));
        Assert.Contains("CellInputActivation = CellActivation.Identity", e.Message, StringComparison.Ordinal);
        Assert.All(niaf.Parameters, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Export_validates_its_arguments_and_writes_through_a_temporary_file()
    {
        Assert.Throws<ArgumentException>(() => Onnx.Serialize(Lstm3x5.Description, new float[3]));
        Assert.Throws<ArgumentNullException>(() => Onnx.Serialize<Lstm3x5>(null!));
        Assert.Throws<ArgumentException>(() => Onnx.Export("", Lstm3x5.Create()));

        DirectoryInfo folder = Directory.CreateTempSubdirectory("genrnn-onnx-");
        try
        {
            string path = Path.Combine(folder.FullName, "model.onnx");
            File.WriteAllText(path, "old");
            Lstm3x5 model = Randomized<Lstm3x5>(3);
            Onnx.Export(path, model);
            Assert.Equal(Onnx.Serialize(model), File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_graph_takes_any_batch_size()
    {
        Gru3x5 model = Randomized<Gru3x5>(11);
        byte[] onnx = Onnx.Serialize(model);
        const int batch = 3, steps = 4;
        float[] x = TestData.Uniform(steps * batch * 3, 12);
        float[] h0 = TestData.Uniform(batch * 5, 13);
        Dictionary<string, (int[] Shape, float[] Data)> results = OnnxCheck.Run(onnx,
        [
            OnnxCheck.Floats(Onnx.InputName, x, steps, batch, 3),
            OnnxCheck.Floats(Onnx.InitialHiddenName(0), h0, 1, batch, 5),
        ]);
        Assert.Equal([steps, batch, 5], results[Onnx.OutputName].Shape);
        for (int b = 0; b < batch; b++)
        {
            var inputs = new float[steps * 3];
            for (int t = 0; t < steps; t++)
            {
                x.AsSpan((t * batch + b) * 3, 3).CopyTo(inputs.AsSpan(t * 3));
            }

            float[] state = h0.AsSpan(b * 5, 5).ToArray();
            var outputs = new float[steps * 5];
            model.Forward(inputs, state, outputs);
            for (int t = 0; t < steps; t++)
            {
                OnnxCheck.AssertClose($"sequence {b} output {t}", outputs.AsSpan(t * 5, 5), results[Onnx.OutputName].Data.AsSpan((t * batch + b) * 5, 5));
            }

            OnnxCheck.AssertClose($"sequence {b} final h", state, results[Onnx.FinalHiddenName(0)].Data.AsSpan(b * 5, 5));
        }
    }

    private static T Randomized<T>(int seed) where T : class, IRecurrentModel<T>
    {
        T model = T.Create();
        TestData.Uniform(T.ParameterCount, seed, -0.6f, 0.6f).CopyTo(model.Parameters, 0);
        return model;
    }

    /// <summary>Exports a randomized model and runs the same sequence, from the same random state, in both.</summary>
    private static void Check<TModel>(int seed) where TModel : class, IRecurrentModel<TModel>
    {
        ModelDescription description = TModel.Description;
        TModel model = Randomized<TModel>(seed);
        byte[] onnx = Onnx.Serialize(model);

        float[] initial = TestData.Uniform(TModel.StateSize, seed + 1);
        float[] state = (float[])initial.Clone();
        var outputs = new float[Steps * TModel.OutputSize];
        var feeds = new List<NamedOnnxValue>();
        if (description.Vocabulary > 0)
        {
            var random = new Random(seed + 2);
            int[] tokens = Enumerable.Range(0, Steps).Select(_ => random.Next(description.Vocabulary)).ToArray();
            model.Forward(tokens, state, outputs);
            feeds.Add(OnnxCheck.Longs(Onnx.TokensName, tokens.Select(t => (long)t).ToArray(), Steps, 1));
        }
        else
        {
            float[] inputs = TestData.Uniform(Steps * TModel.InputSize, seed + 3);
            model.Forward(inputs, state, outputs);
            feeds.Add(OnnxCheck.Floats(Onnx.InputName, inputs, Steps, 1, TModel.InputSize));
        }

        for (int k = 0; k < description.Layers.Count; k++)
        {
            LayerDescription layer = description.Layers[k];
            feeds.Add(OnnxCheck.Floats(Onnx.InitialHiddenName(k), initial.AsSpan(layer.StateOffset, layer.HiddenSize).ToArray(), 1, 1, layer.HiddenSize));
            if (layer.HasCellState)
            {
                feeds.Add(OnnxCheck.Floats(Onnx.InitialCellName(k), initial.AsSpan(layer.StateOffset + layer.HiddenSize, layer.HiddenSize).ToArray(), 1, 1, layer.HiddenSize));
            }
        }

        Dictionary<string, (int[] Shape, float[] Data)> results = OnnxCheck.Run(onnx, feeds);
        Assert.Equal([Steps, 1, TModel.OutputSize], results[Onnx.OutputName].Shape);
        OnnxCheck.AssertClose("output", outputs, results[Onnx.OutputName].Data);
        for (int k = 0; k < description.Layers.Count; k++)
        {
            LayerDescription layer = description.Layers[k];
            OnnxCheck.AssertClose($"final h of layer {k}", state.AsSpan(layer.StateOffset, layer.HiddenSize), results[Onnx.FinalHiddenName(k)].Data);
            if (layer.HasCellState)
            {
                OnnxCheck.AssertClose($"final c of layer {k}", state.AsSpan(layer.StateOffset + layer.HiddenSize, layer.HiddenSize), results[Onnx.FinalCellName(k)].Data);
            }
        }

        Assert.Equal(1 + description.Layers.Sum(l => l.HasCellState ? 2 : 1), results.Count);
    }
}
