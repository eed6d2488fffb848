using GenRnn.Generators.Model;
using static GenRnn.Generators.Emitting.CellEmitter;

namespace GenRnn.Generators.Emitting;

// The table entry that makes this the emitter of its kinds (CellFamilyEmitter.For).
internal abstract partial class CellFamilyEmitter
{
    private static readonly CellFamilyEmitter s_gruResetBefore = Register(new GruResetBeforeEmitter(), CellKind.GruResetBefore);
}

/// <summary>
/// The GRU of Cho et al. (reset before the recurrent product): the n block of W_hh multiplies r * h (kept in the record),
/// so it waits for r: the r and z products, then Layer{l}Reset, then the n product.
/// </summary>
internal sealed class GruResetBeforeEmitter : CellFamilyEmitter
{
    /// <inheritdoc/>
    public override void WriteForwardProducts(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset wih, Offset whh, string? sweep, int blocks, bool bf16)
    {
        int gh = layer.Model.GateSize, i = layer.Model.InputSize;
        w.Line($"{k.Copy(gh)}(ref {At("p", layer.BiasIh)}, ref gates);");
        Gemv(w, k, layer.WeightIh, i, gh, 0, gh, "x", "gates");
        WriteResetBeforeRecurrent(w, k, layer, "gates", "rec");
    }

    /// <inheritdoc/>
    public override void WriteChunkRecurrent(SourceWriter w, KernelEmitter k, LayerLayout layer, string? sweep)
    {
        WriteResetBeforeRecurrent(w, k, layer, "ga", "r");
    }

    /// <inheritdoc/>
    public override void WriteGroupRecurrent(SourceWriter w, KernelEmitter k, ModelLayout layout, LayerLayout layer, int group, string recurrent, int recurrentStride)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, l = layer.Index, rs = layout.StepRecordSize, ss = layout.StateSize;
        GemvGroup(w, k, layer.WeightHh, h, gh, 0, 2 * h, group, "h", ss, recurrent, recurrentStride, 0);
        w.Open($"for (int s = 0; s < {group}; s++)");
        w.Line($"Layer{l}Reset(ref {Names.Unsafe}.Add(ref gates, s * {rs}), ref {Names.Unsafe}.Add(ref gh, s * {gh}), ref {Names.Unsafe}.Add(ref h, s * {ss}), ref {Names.Unsafe}.Add(ref rec, s * {rs} + {layer.RecordAux}));");
        w.Close();
        w.Line($"ref float rh = ref {At("rec", layer.RecordAux)};");
        GemvGroup(w, k, layer.WeightHh, h, gh, 2 * h, gh, group, "rh", rs, "gh", gh, 2 * h);
    }

    /// <inheritdoc/>
    public override int BackwardScratch(LayerModel m) => m.HiddenSize;

    /// <inheritdoc/>
    public override string UpdateCall(LayerLayout layer, string r, string st, string gh) =>
        $"Layer{layer.Index}Update(ref {At(r, layer.RecordGates)}, ref {gh}, ref {At(st, layer.StateH)}, ref {At(r, layer.RecordH)});";

    /// <inheritdoc/>
    public override void WriteUpdate(SourceWriter w, LayerLayout layer)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, l = layer.Index;
        w.Line("// r = s(x_r + h_r), z = s(x_z + h_z); rh = r h feeds the n block of W_hh");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Reset(ref float gates, ref float gh, ref float h, ref float rh)");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var r = {v.Sigmoid($"{v.Load("gates", "n")} + {v.Load("gh", "n")}")};");
            w.Line($"var z = {v.Sigmoid($"{v.Load("gates", $"n + {h}")} + {v.Load("gh", $"n + {h}")}")};");
            w.Line(v.Store("gates", "n", "r"));
            w.Line(v.Store("gates", $"n + {h}", "z"));
            w.Line(v.Store("rh", "n", $"r * {v.Load("h", "n")}"));
        });
        w.Close();
        w.Line();
        w.Line("// n = tanh(x_n + W_hn (r h) + b_hn), h' = (1 - z) n + z h");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Update(ref float gates, ref float gh, ref float h, ref float recH)");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var z = {v.Load("gates", $"n + {h}")};");
            w.Line($"var nn = {v.Tanh($"{v.Load("gates", $"n + {2 * h}")} + {v.Load("gh", $"n + {2 * h}")}")};");
            w.Line($"var ht = ({v.One} - z) * nn + z * {v.Load("h", "n")};");
            w.Line(v.Store("gates", $"n + {2 * h}", "nn"));
            w.Line(v.Store("h", "n", "ht"));
            w.Line(v.Store("recH", "n", "ht"));
        });
        w.Close();
    }

    /// <inheritdoc/>
    public override void WriteBackwardStep(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset header, Offset stride)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, l = layer.Index;
        w.Line("ref float drh = ref scratch;");
        w.Line($"Layer{l}Gradient(ref gates, ref hPrev, ref dh, ref drh);");
        GemvTransposed(w, k, layer.WeightHh, h, gh, 2 * h, gh, "gates", 2 * h, "drh");
        w.Line($"Layer{l}ResetGradient(ref gates, ref hPrev, ref drh, ref dh);");
        GemvTransposed(w, k, layer.WeightHh, h, gh, 0, 2 * h, "gates", 0, "dh");
    }

    /// <inheritdoc/>
    public override void WriteRecurrentWeightGradients(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset header, Offset stride)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize;
        // The r and z blocks of W_hh multiply h_prev, the n block r * h_prev (recorded in aux).
        w.Line($"ref float rh0 = ref {At("d0", header + layer.RecordAux)};");
        w.Line($"{k.SumRows(gh)}(ref da0, ref {At("g", layer.BiasHh)}, steps);");
        Ger(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h0", "da0", 0);
        GerOverTime(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h1", "da1", 0, "steps - 1");
        GerOverTime(w, k, layer.WeightHh, h, gh, 2 * h, gh, "rh0", "da0", 2 * h, "steps");
    }

    /// <inheritdoc/>
    public override void WriteGradient(SourceWriter w, LayerLayout layer)
    {
        int h = layer.Model.HiddenSize, l = layer.Index;
        w.Line("// da_n = dh (1 - z)(1 - n^2); da_z = dh (h_prev - n) z (1 - z), over the z and n gates; dh_prev starts at dh z");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Gradient(ref float gates, ref float hPrev, ref float dh, ref float drh)");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var z = {v.Load("gates", $"n + {h}")};");
            w.Line($"var nn = {v.Load("gates", $"n + {2 * h}")};");
            w.Line($"var dhv = {v.Load("dh", "n")};");
            w.Line(v.Store("gates", $"n + {h}", $"dhv * ({v.Load("hPrev", "n")} - nn) * z * ({v.One} - z)"));
            w.Line(v.Store("gates", $"n + {2 * h}", $"dhv * ({v.One} - z) * ({v.One} - nn * nn)"));
            w.Line(v.Store("drh", "n", v.Zero));
            w.Line(v.Store("dh", "n", "dhv * z"));
        });
        w.Close();
        w.Line();
        w.Line("// d(rh) = W_hn^T da_n gives da_r = d(rh) h_prev r (1 - r) (over the r gate) and dh_prev += d(rh) r");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}ResetGradient(ref float gates, ref float hPrev, ref float drh, ref float dh)");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var r = {v.Load("gates", "n")};");
            w.Line($"var d = {v.Load("drh", "n")};");
            w.Line(v.Store("gates", "n", $"d * {v.Load("hPrev", "n")} * r * ({v.One} - r)"));
            w.Line(v.Store("dh", "n", $"{v.Load("dh", "n")} + d * r"));
        });
        w.Close();
    }

    /// <summary>
    /// The recurrent part of a reset-before (Cho) GRU step recorded at <paramref name="r"/>, whose input products are in
    /// <paramref name="gates"/>: gh = b_hh + W_h[z,r] h, then r * h (kept in the record), then gh's n block += W_hn (r * h).
    /// </summary>
    private static void WriteResetBeforeRecurrent(SourceWriter w, KernelEmitter k, LayerLayout layer, string gates, string r)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize;
        w.Line($"ref float rh = ref {At(r, layer.RecordAux)};");
        w.Line($"{k.Copy(gh)}(ref {At("p", layer.BiasHh)}, ref gh);");
        Gemv(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h", "gh");
        w.Line($"Layer{layer.Index}Reset(ref {gates}, ref gh, ref h, ref rh);");
        Gemv(w, k, layer.WeightHh, h, gh, 2 * h, gh, "rh", "gh", 2 * h);
    }
}
