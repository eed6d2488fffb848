using GenRnn.Generators.Model;
using static GenRnn.Generators.Emitting.CellEmitter;

namespace GenRnn.Generators.Emitting;

// The table entry that makes this the emitter of its kinds (CellFamilyEmitter.For).
internal abstract partial class CellFamilyEmitter
{
    private static readonly CellFamilyEmitter s_gru = Register(new GruEmitter(), CellKind.Gru);
}

/// <summary>
/// PyTorch's GRU (reset after the recurrent product): W_hh h + b_hh is kept apart (gh) because r scales its n block,
/// which the record keeps (aux) for the gradient.
/// </summary>
internal sealed class GruEmitter : CellFamilyEmitter
{
    /// <inheritdoc/>
    public override void WriteForwardProducts(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset wih, Offset whh, string? sweep, int blocks, bool bf16)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, i = layer.Model.InputSize;
        BlockedMatrix.WriteAffine(w, k, gh, (wih, i, "x", layer.BiasIh), null, "gates", bf16, sweep, blocks: blocks);
        BlockedMatrix.WriteAffine(w, k, gh, (whh, h, "h", layer.BiasHh), null, "gh", bf16, sweep, blocks: blocks);
    }

    /// <inheritdoc/>
    public override void WriteChunkRecurrent(SourceWriter w, KernelEmitter k, LayerLayout layer, string? sweep)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize;
        BlockedMatrix.WriteAffine(w, k, gh, (layer.WeightHh, h, "h", layer.BiasHh), null, "gh", reverse: sweep, blocks: layer.Tuning.BlocksPerCall);
    }

    /// <inheritdoc/>
    public override string UpdateCall(LayerLayout layer, string r, string st, string gh) =>
        $"Layer{layer.Index}Update(ref {At(r, layer.RecordGates)}, ref {gh}, ref {At(st, layer.StateH)}, ref {At(r, layer.RecordH)}, ref {At(r, layer.RecordAux)});";

    /// <inheritdoc/>
    public override void WriteUpdate(SourceWriter w, LayerLayout layer)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, l = layer.Index;
        w.Line("// r = s(x_r + h_r), z = s(x_z + h_z), n = tanh(x_n + r (W_hn h + b_hn)), h' = (1 - z) n + z h");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Update(ref float gates, ref float gh, ref float h, ref float recH, ref float recHn)");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var r = {v.Sigmoid($"{v.Load("gates", "n")} + {v.Load("gh", "n")}")};");
            w.Line($"var z = {v.Sigmoid($"{v.Load("gates", $"n + {h}")} + {v.Load("gh", $"n + {h}")}")};");
            w.Line($"var hn = {v.Load("gh", $"n + {2 * h}")};");
            w.Line($"var nn = {v.Tanh($"{v.Load("gates", $"n + {2 * h}")} + r * hn")};");
            w.Line($"var ht = ({v.One} - z) * nn + z * {v.Load("h", "n")};");
            w.Line(v.Store("gates", "n", "r"));
            w.Line(v.Store("gates", $"n + {h}", "z"));
            w.Line(v.Store("gates", $"n + {2 * h}", "nn"));
            w.Line(v.Store("recHn", "n", "hn"));
            w.Line(v.Store("h", "n", "ht"));
            w.Line(v.Store("recH", "n", "ht"));
        });
        w.Close();
    }

    /// <inheritdoc/>
    public override int BackwardScratch(LayerModel m) => m.GateSize;

    /// <inheritdoc/>
    public override void WriteBackwardStep(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset header, Offset stride)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, l = layer.Index;
        // The recurrent product takes da_r, da_z and da_n r side by side in the scratch (the gates keep da_n for W_ih),
        // so that dh_prev = W_hh [da_r, da_z, da_n r] is one pass over W_hh: one lane reduction per row instead of
        // two, dh read and written once, and the alternating row order of sweeping layers continues from step to step.
        w.Line($"ref float aux = ref {At("rec", layer.RecordAux)};");
        w.Line($"Layer{l}Gradient(ref gates, ref aux, ref hPrev, ref dh, ref scratch);");
        GemvTransposed(w, k, layer.WeightHh, h, gh, 0, gh, "scratch", 0, "dh");
    }

    /// <inheritdoc/>
    public override void WriteRecurrentWeightGradients(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset header, Offset stride)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize;
        // The n block of W_hh saw r * (W_hn h + b_hn): its gradient (da_n r) was written over the aux record.
        w.Line($"ref float aux0 = ref {At("d0", header + layer.RecordAux)};");
        w.Line($"ref float aux1 = ref {At("d0", header + stride + layer.RecordAux)};");
        w.Line($"{k.SumRows(2 * h)}(ref da0, ref {At("g", layer.BiasHh)}, steps);");
        w.Line($"{k.SumRows(h)}(ref aux0, ref {At("g", layer.BiasHh + 2 * h)}, steps);");
        Ger(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h0", "da0", 0);
        Ger(w, k, layer.WeightHh, h, gh, 2 * h, gh, "h0", "aux0", 0);
        GerOverTime(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h1", "da1", 0, "steps - 1");
        GerOverTime(w, k, layer.WeightHh, h, gh, 2 * h, gh, "h1", "aux1", 0, "steps - 1");
    }

    /// <inheritdoc/>
    public override void WriteGradient(SourceWriter w, LayerLayout layer)
    {
        int h = layer.Model.HiddenSize, l = layer.Index;
        w.Line("// da_n = dh (1 - z)(1 - n^2); da_z = dh (h_prev - n) z (1 - z); da_r = da_n hn r (1 - r); da replaces the gates,");
        w.Line("// and the W_hh n block's gradient da_n r replaces hn in aux; dRec = [da_r, da_z, da_n r] for dh_prev = W_hh dRec,");
        w.Line("// which starts at dh z");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Gradient(ref float gates, ref float aux, ref float hPrev, ref float dh, ref float dRec)");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var r = {v.Load("gates", "n")};");
            w.Line($"var z = {v.Load("gates", $"n + {h}")};");
            w.Line($"var nn = {v.Load("gates", $"n + {2 * h}")};");
            w.Line($"var dhv = {v.Load("dh", "n")};");
            w.Line($"var dan = dhv * ({v.One} - z) * ({v.One} - nn * nn);");
            w.Line($"var daz = dhv * ({v.Load("hPrev", "n")} - nn) * z * ({v.One} - z);");
            w.Line($"var dar = dan * {v.Load("aux", "n")} * r * ({v.One} - r);");
            w.Line(v.Store("gates", "n", "dar"));
            w.Line(v.Store("gates", $"n + {h}", "daz"));
            w.Line(v.Store("gates", $"n + {2 * h}", "dan"));
            w.Line("var danr = dan * r;");
            w.Line(v.Store("aux", "n", "danr"));
            w.Line(v.Store("dRec", "n", "dar"));
            w.Line(v.Store("dRec", $"n + {h}", "daz"));
            w.Line(v.Store("dRec", $"n + {2 * h}", "danr"));
            w.Line(v.Store("dh", "n", "dhv * z"));
        });
        w.Close();
    }
}
