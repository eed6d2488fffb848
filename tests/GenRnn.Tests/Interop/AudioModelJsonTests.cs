using System.Globalization;
using System.Text;
using GenRnn.Interop;
using GenRnn.Interop.Audio;
using GenRnn.Tests.Training;
using Xunit;

namespace GenRnn.Tests.Interop;

[RecurrentModel]
[Lstm(1, 8)]
[Dense(1)]
public partial class AudioLstm8;

[RecurrentModel]
[Gru(1, 8)]
[Dense(1)]
public partial class AudioGru8;

[RecurrentModel]
[Lstm(1, 12)]
[Dense(1)]
public partial class AudioLstm12;

[RecurrentModel]
[Gru(2, 6)]
[Gru(6, 5)]
[Dense(2, Activation = Activation.Tanh)]
public partial class AudioGruStack;

public sealed class AudioModelJsonTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("genrnn-audio-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static T Randomized<T>(int seed) where T : class, IRecurrentModel<T>
    {
        T model = T.Create();
        TestData.Uniform(T.ParameterCount, seed, -0.5f, 0.5f).CopyTo(model.Parameters, 0);
        return model;
    }

    // ---- An independent writer of both formats, from the PyTorch tensors a model exports. ----

    private static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Json(float[] data, int[] shape, int dim = 0, int offset = 0)
    {
        if (dim == shape.Length)
        {
            return F(data[offset]);
        }

        int stride = 1;
        for (int d = dim + 1; d < shape.Length; d++)
        {
            stride *= shape[d];
        }

        return "[" + string.Join(", ", Enumerable.Range(0, shape[dim]).Select(i => Json(data, shape, dim + 1, offset + i * stride))) + "]";
    }

    private static Dictionary<string, NamedTensor> Tensors<T>(T model) where T : class, IRecurrentModel<T> =>
        model.ExportParameters().ToDictionary(t => t.Name);

    /// <summary>A SimpleRNN file as CoreAudioML's save_model writes it.</summary>
    private static string AgamJson<T>(T model, string unit, int skip = 1, bool bias = true, Func<string, string>? rename = null)
        where T : class, IRecurrentModel<T>
    {
        ModelDescription d = T.Description;
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture,
            $"{{\"model_data\": {{\"model\": \"SimpleRNN\", \"input_size\": {d.Layers[0].InputSize}, \"skip\": {skip}, \"output_size\": {d.HeadOutputs}, \"unit_type\": \"{unit}\", \"num_layers\": {d.Layers.Count}, \"hidden_size\": {d.Layers[0].HiddenSize}, \"bias_fl\": {(bias ? "true" : "false")}}}, \"state_dict\": {{");
        var parts = new List<string>();
        foreach (NamedTensor t in model.ExportParameters())
        {
            string name = t.Name.StartsWith("head.", StringComparison.Ordinal) ? "lin." + t.Name[5..] : "rec." + t.Name;
            if (!bias && name == "lin.bias")
            {
                continue;
            }

            name = rename?.Invoke(name) ?? name;
            parts.Add($"\"{name}\": {Json(t.Data, t.Shape)}");
        }

        return s.Append(string.Join(", ", parts)).Append("}}").ToString();
    }

    // Keras's block order from PyTorch's: LSTM i,f,g,o is i,f,c,o; GRU r,z,n is z,r,h.
    private static int KerasBlockOf(int pyTorchBlock, bool gru) => gru && pyTorchBlock < 2 ? 1 - pyTorchBlock : pyTorchBlock;

    /// <summary>PyTorch [G*H][cols] -> Keras [cols][G*H] with the blocks in Keras's order.</summary>
    private static float[] KerasMatrix(NamedTensor t, int hidden, bool gru)
    {
        int rows = t.Shape[0], cols = t.Shape.Length > 1 ? t.Shape[1] : 1;
        var k = new float[rows * cols];
        for (int row = 0; row < rows; row++)
        {
            int block = row / hidden, j = row % hidden;
            int kerasColumn = KerasBlockOf(block, gru) * hidden + j;
            for (int c = 0; c < cols; c++)
            {
                k[c * rows + kerasColumn] = t.Data[row * cols + c];
            }
        }

        return k;
    }

    /// <summary>An RTNeural model file as RTNeural's save_model writes a Keras model.</summary>
    private static string RtNeuralJson<T>(T model, string headActivation = "") where T : class, IRecurrentModel<T>
    {
        ModelDescription d = T.Description;
        Dictionary<string, NamedTensor> p = Tensors(model);
        var layers = new List<string>();
        for (int l = 0; l < d.Layers.Count; l++)
        {
            LayerDescription layer = d.Layers[l];
            bool gru = layer.Cell == CellKind.Gru;
            int h = layer.HiddenSize, g = gru ? 3 : 4;
            string kernel = Json(KerasMatrix(p[$"weight_ih_l{l}"], h, gru), [layer.InputSize, g * h]);
            string recurrent = Json(KerasMatrix(p[$"weight_hh_l{l}"], h, gru), [h, g * h]);
            float[] bih = KerasMatrix(p[$"bias_ih_l{l}"], h, gru), bhh = KerasMatrix(p[$"bias_hh_l{l}"], h, gru);
            string bias = gru
                ? Json([.. bih, .. bhh], [2, g * h])
                : Json([.. bih.Zip(bhh, (a, b) => a + b)], [g * h]);
            layers.Add($"{{\"type\": \"{(gru ? "gru" : "lstm")}\", \"activation\": \"\", \"shape\": [null, null, {h}], \"weights\": [{kernel}, {recurrent}, {bias}]}}");
        }

        if (d.HeadOutputs > 0)
        {
            NamedTensor w = p["head.weight"];
            int o = w.Shape[0], i = w.Shape[1];
            var kernel = new float[i * o];
            for (int r = 0; r < o; r++)
            {
                for (int c = 0; c < i; c++)
                {
                    kernel[c * o + r] = w.Data[r * i + c];
                }
            }

            layers.Add($"{{\"type\": \"dense\", \"activation\": \"{headActivation}\", \"shape\": [null, null, {o}], \"weights\": [{Json(kernel, [i, o])}, {Json(p["head.bias"].Data, [o])}]}}");
        }

        return $"{{\"in_shape\": [null, null, {d.Layers[0].InputSize}], \"layers\": [{string.Join(", ", layers)}]}}";
    }

    // ---- Helpers ----

    // Writes a file made from source, loads it into a new model and checks that it holds source's parameters and steps
    // exactly as source does.
    private void AssertLoadsExactly<T>(T source, string name, string json, Action<string, T> load) where T : class, IRecurrentModel<T>
    {
        string path = Write(name, json);
        T loaded = T.Create();
        load(path, loaded);
        Assert.Equal(source.Parameters, loaded.Parameters);
        Assert.Equal(Run(source), Run(loaded));
    }

    private static float[] Run<T>(T model, int steps = 50) where T : class, IRecurrentModel<T>
    {
        float[] inputs = TestData.Uniform(steps * T.InputSize, 99);
        var state = new float[T.StateSize];
        var outputs = new float[steps * T.OutputSize];
        for (int t = 0; t < steps; t++)
        {
            model.Step(inputs.AsSpan(t * T.InputSize, T.InputSize), state, outputs.AsSpan(t * T.OutputSize, T.OutputSize));
        }

        return outputs;
    }

    private void AssertRejected<T>(string text, Action<string, T> load, params string[] fragments) where T : class, IRecurrentModel<T>
    {
        string path = Write("bad.json", text);
        T model = Randomized<T>(7);
        float[] before = (float[])model.Parameters.Clone();
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => load(path, model));
        foreach (string f in fragments)
        {
            Assert.Contains(f, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, model.Parameters);
    }

    private static void Agam<T>(string path, T model) where T : class, IRecurrentModel<T> => AudioModelJson.LoadAutomatedGuitarAmp(path, model);

    private static void Rt<T>(string path, T model) where T : class, IRecurrentModel<T> => AudioModelJson.LoadRtNeural(path, model);

    // ---- Automated-GuitarAmpModelling ----

    [Fact]
    public void AutomatedGuitarAmp_Lstm_LoadsExactly()
    {
        AudioLstm8 source = Randomized<AudioLstm8>(1);
        AssertLoadsExactly(source, "lstm.json", AgamJson(source, "LSTM"), (p, m) => Assert.Equal(1, AudioModelJson.LoadAutomatedGuitarAmp(p, m)));
    }

    [Fact]
    public void AutomatedGuitarAmp_Gru_LoadsExactly_AndReturnsSkip()
    {
        AudioGru8 source = Randomized<AudioGru8>(2);
        AssertLoadsExactly(source, "gru.json", AgamJson(source, "GRU", skip: 0), (p, m) => Assert.Equal(0, AudioModelJson.LoadAutomatedGuitarAmp(p, m)));
    }

    [Fact]
    public void AutomatedGuitarAmp_WithoutHeadBias_LoadsZeroBias()
    {
        AudioLstm8 source = Randomized<AudioLstm8>(3);
        string path = Write("nobias.json", AgamJson(source, "LSTM", bias: false));
        AudioLstm8 loaded = Randomized<AudioLstm8>(4);
        AudioModelJson.LoadAutomatedGuitarAmp(path, loaded);
        Dictionary<string, NamedTensor> got = Tensors(loaded), want = Tensors(source);
        Assert.Equal([0f], got["head.bias"].Data);
        Assert.Equal(want["head.weight"].Data, got["head.weight"].Data);
        Assert.Equal(want["weight_hh_l0"].Data, got["weight_hh_l0"].Data);
    }

    [Fact]
    public void AutomatedGuitarAmp_WrongCell_NamesTheDeclaration() =>
        AssertRejected<AudioLstm8>(AgamJson(Randomized<AudioGru8>(1), "GRU"), Agam,
            "holds a GRU of 1 -> 8 with a Dense(1) head", "declare [RecurrentModel][Gru(1, 8)][Dense(1)]", "[Lstm(1, 8)]");

    [Fact]
    public void AutomatedGuitarAmp_WrongSize_NamesTheDeclaration() =>
        AssertRejected<AudioLstm8>(AgamJson(Randomized<AudioLstm12>(1), "LSTM"), Agam,
            "an LSTM of 1 -> 12 with a Dense(1) head", "declare [RecurrentModel][Lstm(1, 12)][Dense(1)]");

    [Fact]
    public void AutomatedGuitarAmp_MissingTensor() =>
        AssertRejected<AudioLstm8>(AgamJson(Randomized<AudioLstm8>(1), "LSTM", rename: n => n == "rec.bias_hh_l0" ? "rec.bias_hh_l9" : n), Agam,
            "missing tensor 'rec.bias_hh_l0'", "unused tensor 'rec.bias_hh_l9'");

    [Fact]
    public void AutomatedGuitarAmp_MisShapedTensor()
    {
        string text = AgamJson(Randomized<AudioLstm8>(1), "LSTM");
        // lin.weight [1][8] -> [8][1]: same values, PyTorch's shape check names it by the file's name.
        int at = text.IndexOf("\"lin.weight\": [[", StringComparison.Ordinal);
        int end = text.IndexOf("]]", at, StringComparison.Ordinal);
        string row = text[(at + "\"lin.weight\": [[".Length)..end];
        string column = "[" + string.Join(", ", row.Split(", ").Select(v => "[" + v + "]")) + "]";
        text = text[..at] + "\"lin.weight\": " + column + text[(end + 2)..];
        AssertRejected<AudioLstm8>(text, Agam, "tensor 'lin.weight' has shape [8, 1], expected [1, 8]");
    }

    [Fact]
    public void AutomatedGuitarAmp_TruncatedJson()
    {
        string text = AgamJson(Randomized<AudioLstm8>(1), "LSTM");
        AssertRejected<AudioLstm8>(text[..(text.Length / 2)], Agam, "is not valid JSON");
    }

    [Fact]
    public void AutomatedGuitarAmp_NaN_AsPythonWritesIt()
    {
        string text = AgamJson(Randomized<AudioLstm8>(1), "LSTM");
        int at = text.IndexOf("\"rec.bias_ih_l0\": [", StringComparison.Ordinal) + "\"rec.bias_ih_l0\": [".Length;
        int comma = text.IndexOf(',', at);
        AssertRejected<AudioLstm8>(text[..at] + "NaN" + text[comma..], Agam, "NaN or Infinity", "weights must be finite");
    }

    [Fact]
    public void AutomatedGuitarAmp_FloatOverflow_IsNotFinite()
    {
        string text = AgamJson(Randomized<AudioLstm8>(1), "LSTM");
        int at = text.IndexOf("\"lin.bias\": [", StringComparison.Ordinal) + "\"lin.bias\": [".Length;
        int close = text.IndexOf(']', at);
        AssertRejected<AudioLstm8>(text[..at] + "1e39" + text[close..], Agam, "state_dict.lin.bias holds 1e39", "weights must be finite");
    }

    [Fact]
    public void AutomatedGuitarAmp_OtherModel_IsRejected() =>
        AssertRejected<AudioLstm8>("{\"model_data\": {\"model\": \"GatedConvNet\"}, \"state_dict\": {}}", Agam, "\"GatedConvNet\"", "SimpleRNN");

    // ---- RTNeural ----

    [Fact]
    public void RtNeural_Gru_LoadsExactly()
    {
        AudioGru8 source = Randomized<AudioGru8>(5);
        AssertLoadsExactly(source, "gru.json", RtNeuralJson(source), (p, m) => AudioModelJson.LoadRtNeural(p, m));
    }

    [Fact]
    public void RtNeural_Lstm_WithZeroRecurrentBias_LoadsExactly()
    {
        AudioLstm8 source = Randomized<AudioLstm8>(6);
        NamedTensor[] tensors = [.. source.ExportParameters().Select(t => t.Name == "bias_hh_l0" ? t with { Data = new float[t.Data.Length] } : t)];
        source.ImportParameters(tensors);
        AssertLoadsExactly(source, "lstm.json", RtNeuralJson(source), (p, m) => AudioModelJson.LoadRtNeural(p, m));
    }

    [Fact]
    public void RtNeural_Lstm_SummedBias_StepsAsTheSource()
    {
        AudioLstm8 source = Randomized<AudioLstm8>(7);
        string path = Write("lstm.json", RtNeuralJson(source));
        AudioLstm8 loaded = AudioLstm8.Create();
        AudioModelJson.LoadRtNeural(path, loaded);
        Dictionary<string, NamedTensor> got = Tensors(loaded), want = Tensors(source);
        Assert.Equal(want["weight_ih_l0"].Data, got["weight_ih_l0"].Data);
        Assert.Equal(want["weight_hh_l0"].Data, got["weight_hh_l0"].Data);
        Assert.Equal(want["bias_ih_l0"].Data.Zip(want["bias_hh_l0"].Data, (a, b) => a + b), got["bias_ih_l0"].Data);
        Assert.All(got["bias_hh_l0"].Data, v => Assert.Equal(0f, v));
        float[] a = Run(source), b = Run(loaded);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 1e-5f);
        }
    }

    [Fact]
    public void RtNeural_StackedGru_WithTanhHead_LoadsExactly()
    {
        AudioGruStack source = Randomized<AudioGruStack>(8);
        AssertLoadsExactly(source, "stack.json", RtNeuralJson(source, "tanh"), (p, m) => AudioModelJson.LoadRtNeural(p, m));
    }

    [Fact]
    public void RtNeural_WrongHeadActivation_NamesTheDeclaration() =>
        AssertRejected<AudioGruStack>(RtNeuralJson(Randomized<AudioGruStack>(1), "sigmoid"), Rt,
            "declare [RecurrentModel][Gru(2, 6)][Gru(6, 5)][Dense(2, Activation = Activation.Sigmoid)]");

    [Fact]
    public void RtNeural_WrongCell_NamesTheDeclaration() =>
        AssertRejected<AudioGru8>(RtNeuralJson(Randomized<AudioLstm8>(1)), Rt,
            "holds an LSTM of 1 -> 8 with a Dense(1) head", "AudioGru8 is declared as [RecurrentModel][Gru(1, 8)][Dense(1)]",
            "declare [RecurrentModel][Lstm(1, 8)][Dense(1)]");

    [Fact]
    public void RtNeural_WrongSize_NamesTheDeclaration() =>
        AssertRejected<AudioLstm8>(RtNeuralJson(Randomized<AudioLstm12>(1)), Rt, "declare [RecurrentModel][Lstm(1, 12)][Dense(1)]");

    [Fact]
    public void RtNeural_MissingWeight()
    {
        string text = RtNeuralJson(Randomized<AudioLstm8>(1));
        // Drop the dense layer's bias: "weights": [kernel] only.
        int dense = text.IndexOf("\"type\": \"dense\"", StringComparison.Ordinal);
        int biasStart = text.LastIndexOf(", [", text.Length - 1, StringComparison.Ordinal);
        Assert.True(biasStart > dense);
        text = text[..biasStart] + "]}]}";
        AssertRejected<AudioLstm8>(text, Rt, "layers[1].weights does not hold 2 arrays");
    }

    [Fact]
    public void RtNeural_GruWithSingleBiasRow_IsRejected()
    {
        string text = RtNeuralJson(Randomized<AudioGru8>(1));
        int start = text.IndexOf("]], [[", text.IndexOf("\"weights\"", StringComparison.Ordinal), StringComparison.Ordinal); // kernel | recurrent
        start = text.IndexOf("]], [[", start + 1, StringComparison.Ordinal); // recurrent | bias
        int end = text.IndexOf("]]", start + 4, StringComparison.Ordinal);
        string firstRow = text[(start + 6)..text.IndexOf(']', start + 6)];
        text = text[..(start + 4)] + "[" + firstRow + "]" + text[(end + 2)..];
        AssertRejected<AudioGru8>(text, Rt, "(bias) is not [2][24]", "reset_after=True");
    }

    [Fact]
    public void RtNeural_TruncatedJson()
    {
        string text = RtNeuralJson(Randomized<AudioGru8>(1));
        AssertRejected<AudioGru8>(text[..(text.Length - 10)], Rt, "is not valid JSON");
    }

    [Fact]
    public void RtNeural_NaN_IsRejected()
    {
        string text = RtNeuralJson(Randomized<AudioGru8>(1));
        int at = text.IndexOf("[[", StringComparison.Ordinal) + 2;
        AssertRejected<AudioGru8>(text[..at] + "NaN" + text[text.IndexOf(',', at)..], Rt, "NaN or Infinity", "weights must be finite");
    }

    [Fact]
    public void RtNeural_UnknownLayer_IsRejected() =>
        AssertRejected<AudioGru8>("{\"in_shape\": [null, null, 1], \"layers\": [{\"type\": \"conv1d\", \"shape\": [null, null, 4], \"weights\": []}]}", Rt,
            "layers[0] is a \"conv1d\" layer");

    [Fact]
    public void TheDeclarationToolReadsBothFormats()
    {
        // genrnn-declare's library half: the declaration each file needs, from the file alone.
        string agam = Write("decl-agam.json", AgamJson(Randomized<AudioGru8>(31), "GRU"));
        Assert.EndsWith("[RecurrentModel]\n[Gru(1, 8)]\n[Dense(1)]\npublic partial class Amp;\n", ModelDeclaration.FromAudioJson(agam, "Amp"), StringComparison.Ordinal);

        string rt = Write("decl-rt.json", RtNeuralJson(Randomized<AudioGruStack>(32), "tanh"));
        Assert.EndsWith("[RecurrentModel]\n[Gru(2, 6)]\n[Gru(6, 5)]\n[Dense(2, Activation = Activation.Tanh)]\npublic partial class Model;\n", ModelDeclaration.FromAudioJson(rt), StringComparison.Ordinal);

        string neither = Write("decl-neither.json", "{\"weights\": []}");
        Assert.Contains("neither an Automated-GuitarAmpModelling model", Assert.Throws<InvalidDataException>(() => ModelDeclaration.FromAudioJson(neither)).Message);
    }
}
