using System.Collections.Generic;
using GenRnn.Generators.Model;
using static GenRnn.Generators.Emitting.CellEmitter;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// What one cell family emits itself: its forward products and update, and their gradient, side by side in one file per
/// family. CellEmitter writes what every cell shares (the method frames, the loops over steps, streams and chunks, the
/// input products, the weight-gradient sums over time, the input gradients) and asks the layer's family for the rest.
/// The defaults are those of the cells whose input and recurrent products are simply summed (RNN, LSTMs).
/// </summary>
internal abstract partial class CellFamilyEmitter
{
    // Filled by the field initialisers of this class's parts (one in each family's emitter file), which all run in its
    // static constructor before For reads the table; ??= because the parts' initialisers run in no set order.
    private static Dictionary<CellKind, CellFamilyEmitter>? s_table;

    /// <summary>The emitter of <paramref name="cell"/>'s family.</summary>
    public static CellFamilyEmitter For(CellKind cell) =>
        s_table!.TryGetValue(cell, out CellFamilyEmitter? emitter) ? emitter : throw Names.UnknownCell(cell);

    /// <summary>Whether some family's emitter writes <paramref name="cell"/>.</summary>
    public static bool Emits(CellKind cell) => s_table!.ContainsKey(cell);

    /// <summary>Makes <paramref name="emitter"/> the one of <paramref name="kinds"/> and returns it.</summary>
    private static CellFamilyEmitter Register(CellFamilyEmitter emitter, params CellKind[] kinds)
    {
        s_table ??= new Dictionary<CellKind, CellFamilyEmitter>();
        foreach (CellKind kind in kinds)
        {
            s_table.Add(kind, emitter);
        }

        return emitter;
    }

    /// <summary>
    /// LayerNForward's gate pre-activations: gates = W_ih^T x + b_ih + W_hh^T h + b_hh in one affine kernel, weights at
    /// <paramref name="wih"/> and <paramref name="whh"/> (the bfloat16 pairs with <paramref name="bf16"/>).
    /// </summary>
    public virtual void WriteForwardProducts(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset wih, Offset whh, string? sweep, int blocks, bool bf16)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, i = layer.Model.InputSize;
        BlockedMatrix.WriteAffine(w, k, gh, (wih, i, "x", layer.BiasIh), (whh, h, "h", layer.BiasHh), "gates", bf16, sweep, blocks: blocks);
    }

    /// <summary>In a chunk of steps, step s's recurrent product added to its input products (record at r, gates ga).</summary>
    public virtual void WriteChunkRecurrent(SourceWriter w, KernelEmitter k, LayerLayout layer, string? sweep)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize;
        BlockedMatrix.WriteAffine(w, k, gh, (layer.WeightHh, h, "h", -1), null, "ga", reverse: sweep, accumulate: true, blocks: layer.Tuning.BlocksPerCall);
    }

    /// <summary>For a group of streams, the recurrent products W_hh^T h_s into <paramref name="recurrent"/>.</summary>
    public virtual void WriteGroupRecurrent(SourceWriter w, KernelEmitter k, ModelLayout layout, LayerLayout layer, int group, string recurrent, int recurrentStride)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize;
        GemvGroup(w, k, layer.WeightHh, h, gh, 0, gh, group, "h", layout.StateSize, recurrent, recurrentStride, 0);
    }

    /// <summary>The call of LayerNUpdate for the step recorded at <paramref name="r"/> over the state at <paramref name="st"/>.</summary>
    public abstract string UpdateCall(LayerLayout layer, string r, string st, string gh);

    /// <summary>LayerNUpdate (and whatever else the forward step calls): the activations, the new state, the record.</summary>
    public abstract void WriteUpdate(SourceWriter w, LayerLayout layer);

    /// <summary>
    /// One step of LayerNBackward, from the last: dh (and dc) into the gate gradients written over the recorded gates,
    /// then dh_prev = W_hh da.
    /// </summary>
    public abstract void WriteBackwardStep(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset header, Offset stride);

    /// <summary>The whole sequence's b_hh and W_hh gradients from the gate gradients (da0, da1) and states (h0, h1).</summary>
    public virtual void WriteRecurrentWeightGradients(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset header, Offset stride)
    {
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize;
        w.Line($"{k.SumRows(gh)}(ref da0, ref {At("g", layer.BiasHh)}, steps);");
        Ger(w, k, layer.WeightHh, h, gh, 0, gh, "h0", "da0", 0);
        GerOverTime(w, k, layer.WeightHh, h, gh, 0, gh, "h1", "da1", 0, "steps - 1");
    }

    /// <summary>LayerNGradient (and whatever else the backward step calls): the elementwise gradient of the update.</summary>
    public abstract void WriteGradient(SourceWriter w, LayerLayout layer);

    /// <summary>Floats of per-step scratch the layer's backward needs.</summary>
    public virtual int BackwardScratch(LayerModel m) => 0;
}
