using GenRnn.Generators.Model;
using static GenRnn.Generators.Emitting.CellEmitter;

namespace GenRnn.Generators.Emitting;

// The table entry that makes this the emitter of its kinds (CellFamilyEmitter.For).
internal abstract partial class CellFamilyEmitter
{
    private static readonly CellFamilyEmitter s_rnn = Register(new RnnEmitter(), CellKind.Rnn);
}

/// <summary>The tanh RNN: h' = tanh(a), da = dh (1 - h^2). Its products are the summed ones of <see cref="CellFamilyEmitter"/>.</summary>
internal sealed class RnnEmitter : CellFamilyEmitter
{
    /// <inheritdoc/>
    public override string UpdateCall(LayerLayout layer, string r, string st, string gh) =>
        $"Layer{layer.Index}Update(ref {At(r, layer.RecordGates)}, ref {At(st, layer.StateH)}, ref {At(r, layer.RecordH)});";

    /// <inheritdoc/>
    public override void WriteUpdate(SourceWriter w, LayerLayout layer)
    {
        int h = layer.Model.HiddenSize, l = layer.Index;
        w.Line("// h' = tanh(a)");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Update(ref float gates, ref float h, ref float recH)");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var a = {v.Tanh(v.Load("gates", "n"))};");
            w.Line(v.Store("gates", "n", "a"));
            w.Line(v.Store("h", "n", "a"));
            w.Line(v.Store("recH", "n", "a"));
        });
        w.Close();
    }

    /// <inheritdoc/>
    public override void WriteBackwardStep(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset header, Offset stride)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, l = layer.Index;
        w.Line($"Layer{l}Gradient(ref {At("rec", layer.RecordH)}, ref dh, ref gates);");
        GemvTransposed(w, k, layer.WeightHh, h, gh, 0, gh, "gates", 0, "dh");
    }

    /// <inheritdoc/>
    public override void WriteGradient(SourceWriter w, LayerLayout layer)
    {
        int h = layer.Model.HiddenSize, l = layer.Index;
        w.Line("// da = dh (1 - h^2); the recurrent product refills dh");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Gradient(ref float recH, ref float dh, ref float da)");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var y = {v.Load("recH", "n")};");
            w.Line(v.Store("da", "n", $"{v.Load("dh", "n")} * ({v.One} - y * y)"));
            w.Line(v.Store("dh", "n", v.Zero));
        });
        w.Close();
    }
}
