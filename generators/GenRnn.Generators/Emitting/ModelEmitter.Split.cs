using System.Linq;

namespace GenRnn.Generators.Emitting;

/// <summary>ModelEmitter, the two-core step (Cores = 2): the work buffer, the split branches of Step and Forward, ForwardStepSplit and ISplitStep.RunPart.</summary>
internal static partial class ModelEmitter
{
    /// <summary>The work buffer of the split Step (ModelLayout.SplitState) and the flag that lends it to one Step at a time.</summary>
    private static void WriteSplitFields(SourceWriter w, ModelLayout layout, bool constants = true)
    {
        w.Line("// Cores = 2: Step works in this buffer, which both cores reach (record, then state, then a GRU's recurrent sums);");
        w.Line("// a Step that finds it taken (a concurrent Step on another thread) runs on its own thread with stack buffers.");
        if (constants)
        {
            w.Line($"private const int SplitState = {layout.SplitState};");
            w.Line($"private const int SplitHidden = {layout.SplitHidden};");
        }

        w.Line($"private readonly float[] _split = global::GenRnn.AlignedArray.Create({layout.SplitWorkSize});");
        w.Line("private int _splitBusy;");
        w.Line();
    }

    /// <summary>
    /// The split branch of a Step overload: takes the work buffer, loads the step's input (<paramref name="load"/>) and
    /// the state into it, runs ForwardStepSplit, and gives back the state and the output.
    /// </summary>
    private static void WriteSplitStep(SourceWriter w, ModelLayout layout, KernelEmitter kernels, string load)
    {
        w.Open("if (global::System.Threading.Interlocked.CompareExchange(ref _splitBusy, 1, 0) == 0)");
        w.Line($"ref float work = ref {MM}.GetArrayDataReference(_split);");
        w.Line($"ref float parameters = ref {MM}.GetArrayDataReference(Parameters);");
        w.Line("bool shared = global::GenRnn.CorePartner.Shared.TryAcquire(); // before the writes the partner reads (see TryAcquire)");
        w.Line(load);
        w.Line($"{kernels.Copy(layout.StateSize)}(ref {MM}.GetReference(state), ref {U}.Add(ref work, SplitState));");
        w.Line($"ForwardStepSplit(ref parameters, ref work, {(layout.Plan.Sweeps ? "NextSweep()" : "false")}, shared);");
        w.Line($"{kernels.Copy(layout.StateSize)}(ref {U}.Add(ref work, SplitState), ref {MM}.GetReference(state));");
        w.Line($"{kernels.Copy(layout.OutputSize)}(ref {U}.Add(ref work, RecordOutput), ref {MM}.GetReference(output));");
        w.Line("global::System.Threading.Volatile.Write(ref _splitBusy, 0);");
        w.Line("return;");
        w.Close();
        w.Line();
    }

    /// <summary>
    /// Under Cores = 2, the untraced Forward's split branch: the steps one by one through ForwardStepSplit in the work
    /// buffer (the state copied in once and out once), each step's rows shared with the partner as in Step.
    /// </summary>
    private static void WriteSplitSequence(SourceWriter w, KernelEmitter kernels, ModelLayout layout, bool tokens)
    {
        w.Open("if (global::System.Threading.Interlocked.CompareExchange(ref _splitBusy, 1, 0) == 0)");
        w.Line($"ref float work = ref {MM}.GetArrayDataReference(_split);");
        w.Line($"ref float parameters = ref {MM}.GetArrayDataReference(Parameters);");
        w.Line($"{kernels.Copy(layout.StateSize)}(ref {MM}.GetReference(state), ref {U}.Add(ref work, SplitState));");
        w.Open("for (int step = 0; step < steps; step++)");
        w.Line("bool shared = global::GenRnn.CorePartner.Shared.TryAcquire(); // before the writes the partner reads");
        w.Line(tokens
            ? "LoadToken(ref parameters, tokens[step], ref work);"
            : $"{kernels.Copy(layout.InputSize)}(ref {U}.Add(ref {MM}.GetReference(inputs), step * InputSize), ref work);");
        w.Line($"ForwardStepSplit(ref parameters, ref work, {(layout.Plan.Sweeps ? "(step & 1) != 0" : "false")}, shared);");
        w.Line($"{kernels.Copy(layout.OutputSize)}(ref {U}.Add(ref work, RecordOutput), ref {U}.Add(ref {MM}.GetReference(outputs), step * OutputSize));");
        w.Close();
        w.Line($"{kernels.Copy(layout.StateSize)}(ref {U}.Add(ref work, SplitState), ref {MM}.GetReference(state));");
        w.Line("global::System.Threading.Volatile.Write(ref _splitBusy, 0);");
        w.Line("return;");
        w.Close();
        w.Line();
    }

    /// <summary>
    /// Under Cores = 2, ForwardStepSplit: ForwardStep over the work buffer, each split layer's gate rows in two parts,
    /// part 1 posted to GenRnn.CorePartner (or computed here when the partner is taken), then the cell update here; and
    /// the partner's entry, ISplitStep.RunPart, which computes part 1 of the layer that <c>part &gt;&gt; 1</c> names
    /// (bit 0: the sweep direction).
    /// </summary>
    private static void WriteForwardStepSplit(SourceWriter w, ModelLayout layout, bool bf16)
    {
        string Input(LayerLayout l) => l.Index == 0 ? "rec" : CellEmitter.At("rec", layout.Layers[l.Index - 1].RecordH);
        string Gh(LayerLayout l) => l.Model.IsGru ? "ref gh, " : "";
        string Q(LayerLayout l) => bf16 && l.Tuning.PacksBFloat16 ? "BFloat16(ref p, ref q, " : "(ref p, ";
        const string Packed = $"ref uint q = ref {U}.As<float, uint>(ref {MM}.GetArrayDataReference(_packed));";
        w.Line();
        w.Line($"// One step over the work buffer (the step's input at its start, see SplitState), split layers on two cores{(bf16 ? "; weights in bfloat16" : "")}.");
        w.Line(Names.MethodImpl);
        w.Open("private void ForwardStepSplit(ref float p, ref float work, bool reverse, bool shared)");
        if (bf16)
        {
            w.Line(Packed);
        }

        w.Line("ref float rec = ref work;");
        w.Line($"ref float s = ref {U}.Add(ref work, SplitState);");
        if (layout.Layers.Any(l => l.Tuning.Splits && l.Model.IsGru))
        {
            w.Line($"ref float gh = ref {U}.Add(ref work, SplitHidden);");
        }

        w.Line("global::GenRnn.CorePartner partner = global::GenRnn.CorePartner.Shared;");
        foreach (LayerLayout l in layout.Layers)
        {
            if (!l.Tuning.Splits)
            {
                w.Line($"Layer{l.Index}Forward{Q(l)}ref {Input(l)}, ref s, ref rec, reverse);");
                continue;
            }

            string part = $"Layer{l.Index}ForwardPart{Q(l)}ref {Input(l)}, ref s, ref rec, {Gh(l)}reverse, ";
            w.Open("if (shared)");
            w.Line($"partner.Post(this, {2 * l.Index} | (reverse ? 1 : 0));");
            w.Line(part + "0);");
            w.Line("partner.Join();");
            int rest = l.Model.GateSize - l.Tuning.SplitColumn;
            w.Line($"global::GenRnn.CorePartner.Touch(ref {CellEmitter.At("rec", l.RecordGates + l.Tuning.SplitColumn)}, {rest}); // the partner's sums, all at once");
            if (l.Model.IsGru)
            {
                w.Line($"global::GenRnn.CorePartner.Touch(ref {CellEmitter.At("gh", l.Tuning.SplitColumn)}, {rest});");
            }

            if (l == layout.Layers.Last(x => x.Tuning.Splits))
            {
                w.Line("partner.Release();");
            }

            w.Close();
            w.Open("else");
            w.Line(part + "0);");
            w.Line(part + "1);");
            w.Close();
            w.Line(CellEmitter.UpdateCall(l, "rec", "s", "gh"));
        }

        if (layout.Model.HasHead)
        {
            w.Line($"HeadForward(ref p, ref {CellEmitter.At("rec", layout.Top.RecordH)}, ref {CellEmitter.At("rec", layout.RecordOutput)});");
        }

        w.Close();
        w.Line();
        w.Line("// The partner's half of a split layer (called by GenRnn.CorePartner, on its thread or taken back on the caller's).");
        w.Open("void global::GenRnn.ISplitStep.RunPart(int part)");
        w.Line($"ref float p = ref {MM}.GetArrayDataReference(Parameters);");
        if (bf16)
        {
            w.Line(Packed);
        }

        w.Line($"ref float rec = ref {MM}.GetArrayDataReference(_split);");
        w.Line($"ref float s = ref {U}.Add(ref rec, SplitState);");
        if (layout.Layers.Any(l => l.Tuning.Splits && l.Model.IsGru))
        {
            w.Line($"ref float gh = ref {U}.Add(ref rec, SplitHidden);");
        }

        w.Line("bool reverse = (part & 1) != 0;");
        w.Open("switch (part >> 1)");
        foreach (LayerLayout l in layout.Layers.Where(l => l.Tuning.Splits))
        {
            w.Line($"case {l.Index}: Layer{l.Index}ForwardPart{Q(l)}ref {Input(l)}, ref s, ref rec, {Gh(l)}reverse, 1); break;");
        }

        w.Close();
        w.Close();
    }
}
