using System.Text.Json;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

public class GoldenQuickTests
{
    private static readonly JsonDocument Doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "pytorch-golden.json")));

    public static IEnumerable<object[]> LayerCases() => Doc.RootElement.GetProperty("layer_cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    private static float[] Flat(JsonElement e)
    {
        var list = new List<float>();
        void Walk(JsonElement x) { if (x.ValueKind == JsonValueKind.Array) foreach (var y in x.EnumerateArray()) Walk(y); else list.Add((float)x.GetDouble()); }
        Walk(e);
        return list.ToArray();
    }

    private static int[] Shape(JsonElement e)
    {
        var s = new List<int>();
        while (e.ValueKind == JsonValueKind.Array) { s.Add(e.GetArrayLength()); e = e[0]; }
        return s.ToArray();
    }

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void LayerCase(string name)
    {
        JsonElement c = Doc.RootElement.GetProperty("layer_cases").EnumerateArray().First(x => x.GetProperty("name").GetString() == name);
        string cell = c.GetProperty("cell").GetString()!;
        int i = c.GetProperty("input_size").GetInt32(), h = c.GetProperty("hidden_size").GetInt32(), layers = c.GetProperty("layers").GetInt32();
        string prefix = cell switch { "rnn_tanh" => "Rnn", "lstm" => "Lstm", "lstm_nofg" => "Lstm1997", "lstm_peephole" => "PeepholeLstm", "gru" => "Gru", _ => "GruCho" };
        string typeName = layers == 2 ? prefix + "TwoLayers" : $"{prefix}{i}x{h}";
        Type t = typeof(Rnn3x5).Assembly.GetType("GenRnn.Tests.Models." + typeName)!;
        typeof(GoldenQuickTests).GetMethod(nameof(Run), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(t).Invoke(null, new object[] { c });
    }

    private static void Run<TModel>(JsonElement c) where TModel : class, IRecurrentModel<TModel>
    {
        var model = TModel.Create();
        var tensors = new List<NamedTensor>();
        int l = 0;
        foreach (var p in c.GetProperty("params").EnumerateArray())
        {
            foreach (var prop in p.EnumerateObject()) tensors.Add(new NamedTensor(prop.Name + "_l" + l, Shape(prop.Value), Flat(prop.Value)));
            l++;
        }
        PyTorchLayout.Import(TModel.Description, tensors, model.Parameters);
        bool lstm = c.TryGetProperty("c0", out var c0);
        var state = new float[TModel.StateSize];
        var dstate = new float[TModel.StateSize];
        int off = 0; int H = c.GetProperty("hidden_size").GetInt32();
        for (int k = 0; k < TModel.LayerCount; k++)
        {
            Flat(c.GetProperty("h0")[k]).CopyTo(state, off); Flat(c.GetProperty("dhT")[k]).CopyTo(dstate, off); off += H;
            if (lstm) { Flat(c0[k]).CopyTo(state, off); Flat(c.GetProperty("dcT")[k]).CopyTo(dstate, off); off += H; }
        }
        float[] x = Flat(c.GetProperty("x"));
        int T = c.GetProperty("steps").GetInt32();
        var y = new float[T * TModel.OutputSize];
        var trace = model.CreateTrace();
        model.Forward(x, state, y, trace);
        Near(Flat(c.GetProperty("y")), y, "y");
        var hT = new List<float>(); var cT = new List<float>(); off = 0;
        for (int k = 0; k < TModel.LayerCount; k++) { hT.AddRange(state.AsSpan(off, H).ToArray()); off += H; if (lstm) { cT.AddRange(state.AsSpan(off, H).ToArray()); off += H; } }
        Near(Flat(c.GetProperty("hT")), hT.ToArray(), "hT");
        if (lstm) Near(Flat(c.GetProperty("cT")), cT.ToArray(), "cT");
        var gx = new float[x.Length];
        model.Backward(trace, Flat(c.GetProperty("dy")), dstate, gx, model.Gradients);
        Near(Flat(c.GetProperty("grad_x")), gx, "grad_x");
        var grads = PyTorchLayout.Export(TModel.Description, model.Gradients);
        l = 0;
        foreach (var p in c.GetProperty("grad_params").EnumerateArray())
        {
            foreach (var prop in p.EnumerateObject()) Near(Flat(prop.Value), grads.First(g => g.Name == prop.Name + "_l" + l).Data, prop.Name + "_l" + l);
            l++;
        }
        var gh0 = new List<float>(); var gc0 = new List<float>(); off = 0;
        for (int k = 0; k < TModel.LayerCount; k++) { gh0.AddRange(dstate.AsSpan(off, H).ToArray()); off += H; if (lstm) { gc0.AddRange(dstate.AsSpan(off, H).ToArray()); off += H; } }
        Near(Flat(c.GetProperty("grad_h0")), gh0.ToArray(), "grad_h0");
        if (lstm) Near(Flat(c.GetProperty("grad_c0")), gc0.ToArray(), "grad_c0");
    }

    private static void Near(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Abs(expected[i]) + 1e-5, $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    public static IEnumerable<object[]> ModelCases() => Doc.RootElement.GetProperty("model_cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void ModelCase(string name)
    {
        JsonElement c = Doc.RootElement.GetProperty("model_cases").EnumerateArray().First(x => x.GetProperty("name").GetString() == name);
        string cell = c.GetProperty("cell").GetString()!;
        string prefix = cell switch { "rnn_tanh" => "Rnn", "lstm" => "Lstm", "lstm_peephole" => "PeepholeLstm", _ => "Gru" };
        string typeName = prefix + (c.GetProperty("head").GetString() == "many_to_many" ? "Lm" : "Clf");
        Type t = typeof(Rnn3x5).Assembly.GetType("GenRnn.Tests.Models." + typeName)!;
        typeof(GoldenQuickTests).GetMethod(nameof(RunModel), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(t).Invoke(null, new object[] { c });
    }

    private static void RunModel<TModel>(JsonElement c) where TModel : class, IRecurrentModel<TModel>
    {
        var model = TModel.Create();
        var tensors = new List<NamedTensor>
        {
            new("embedding.weight", Shape(c.GetProperty("embedding_weight")), Flat(c.GetProperty("embedding_weight"))),
            new("head.weight", Shape(c.GetProperty("head_weight")), Flat(c.GetProperty("head_weight"))),
            new("head.bias", Shape(c.GetProperty("head_bias")), Flat(c.GetProperty("head_bias"))),
        };
        foreach (var prop in c.GetProperty("params").EnumerateObject()) tensors.Add(new NamedTensor(prop.Name + "_l0", Shape(prop.Value), Flat(prop.Value)));
        PyTorchLayout.Import(TModel.Description, tensors, model.Parameters);
        int[] tokens = c.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int[] targets = c.GetProperty("targets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int T = tokens.Length, C = TModel.OutputSize;
        var state = new float[TModel.StateSize];
        var probs = new float[T * C];
        var trace = model.CreateTrace();
        model.Forward(tokens, state, probs, trace);
        float[] logits = Flat(c.GetProperty("logits"));
        var expectedProbs = new float[T * C];
        for (int t = 0; t < T; t++)
        {
            double max = logits.Skip(t * C).Take(C).Max(), sum = 0;
            for (int k = 0; k < C; k++) sum += Math.Exp(logits[t * C + k] - max);
            for (int k = 0; k < C; k++) expectedProbs[t * C + k] = (float)(Math.Exp(logits[t * C + k] - max) / sum);
        }
        Near(expectedProbs, probs, "probabilities");
        int first = T - targets.Length;
        double loss = 0;
        var dlogits = new float[T * C];
        for (int t = first; t < T; t++)
        {
            int target = targets[t - first];
            loss -= Math.Log(probs[t * C + target]) / targets.Length;
            for (int k = 0; k < C; k++) dlogits[t * C + k] = (probs[t * C + k] - (k == target ? 1f : 0f)) / targets.Length;
        }
        Assert.True(Math.Abs(loss - c.GetProperty("loss").GetDouble()) < 1e-4 * Math.Abs(loss) + 1e-5, $"loss {loss}");
        var dstate = new float[TModel.StateSize];
        model.BackwardFromLogits(trace, dlogits, dstate, Span<float>.Empty, model.Gradients);
        var grads = PyTorchLayout.Export(TModel.Description, model.Gradients);
        Near(Flat(c.GetProperty("grad_embedding")), grads.First(g => g.Name == "embedding.weight").Data, "grad_embedding");
        Near(Flat(c.GetProperty("grad_head_weight")), grads.First(g => g.Name == "head.weight").Data, "grad_head_weight");
        Near(Flat(c.GetProperty("grad_head_bias")), grads.First(g => g.Name == "head.bias").Data, "grad_head_bias");
        foreach (var prop in c.GetProperty("grad_params").EnumerateObject()) Near(Flat(prop.Value), grads.First(g => g.Name == prop.Name + "_l0").Data, prop.Name);
    }
}
