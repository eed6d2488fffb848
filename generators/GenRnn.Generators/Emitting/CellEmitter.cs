using GenRnn.Generators.Model;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// Writes one recurrent layer's forward step and its backward step side by side. Forward records the activated gates
/// (and c, h, and for the PyTorch GRU the recurrent n-term) in the step record; backward reads them, turns dh (and dc)
/// into gate pre-activation gradients, accumulates weight gradients and sends gradients to the input and the previous state.
/// </summary>
internal static class CellEmitter
{
    /// <summary>
    /// Writes LayerNForward and the cell update it calls; with <paramref name="bf16"/>, LayerNForwardBFloat16 instead,
    /// which reads W_ih and W_hh as bfloat16 pairs from the snapshot's buffer q and shares the update.
    /// </summary>
    public static void WriteForward(SourceWriter w, KernelEmitter k, LayerLayout layer, bool bf16 = false)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, gh = m.GateSize, i = m.InputSize, l = layer.Index;
        w.Line($"// Layer {l}: {m.Cell}({i} -> {h}); gates [{gh}] = W_ih^T x + b_ih + W_hh^T h + b_hh, then the cell update.{(bf16 ? " Weights in bfloat16." : "")}");
        w.Line(Names.MethodImpl);
        w.Open(bf16
            ? $"private static void Layer{l}ForwardBFloat16(ref float p, ref uint q, ref float x, ref float state, ref float rec, bool reverse)"
            : $"private static void Layer{l}Forward(ref float p, ref float x, ref float state, ref float rec, bool reverse)");
        string? sweep = layer.Tuning.Sweeps ? "reverse" : null;
        int blocks = bf16 ? 2 : layer.Tuning.BlocksPerCall; // the bfloat16 kernel over four blocks spills (LayerTuning.BlocksPerCall)
        Offset wih = bf16 ? layer.PackedIh : layer.WeightIh, whh = bf16 ? layer.PackedHh : layer.WeightHh;
        WriteLocals(w, layer, gh);
        Family(m).WriteForwardProducts(w, k, layer, wih, whh, sweep, blocks, bf16);

        w.Line(UpdateCall(layer, "rec", "state", "gh"));
        w.Close();
        if (!bf16)
        {
            w.Line();
            Family(m).WriteUpdate(w, layer);
        }
    }

    /// <summary>
    /// Under Cores = 2, LayerNForwardPart: the gate pre-activations of part 0 (rows below LayerTuning.SplitColumn, the
    /// calling thread's) or part 1 (the rest, GenRnn.CorePartner's), taken as LayerNForward takes them, so that the two
    /// parts give its sums bit for bit. A GRU's recurrent accumulator gh is in the model's work buffer. The cell update
    /// follows (UpdateCall) once both parts are done. With <paramref name="bf16"/>, LayerNForwardPartBFloat16, which
    /// reads the weight matrices as the bfloat16 snapshot's pairs in q (LayerNForwardBFloat16's kernels).
    /// </summary>
    public static void WriteForwardPart(SourceWriter w, KernelEmitter k, LayerLayout layer, bool bf16 = false)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, gh = m.GateSize, i = m.InputSize, l = layer.Index;
        Offset wih = bf16 ? layer.PackedIh : layer.WeightIh, whh = bf16 ? layer.PackedHh : layer.WeightHh;
        int blocks = bf16 ? 2 : layer.Tuning.BlocksPerCall; // as in WriteForward
        w.Line($"// Layer {l}, gate rows [0, {layer.Tuning.SplitColumn}) (part 0) or [{layer.Tuning.SplitColumn}, {gh}) (part 1).{(bf16 ? " Weights in bfloat16." : "")}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}ForwardPart{(bf16 ? "BFloat16" : "")}(ref float p, {(bf16 ? "ref uint q, " : "")}ref float x, ref float state, ref float rec, {(m.IsGru ? "ref float gh, " : "")}bool reverse, int part)");
        w.Line($"ref float h = ref {At("state", layer.StateH)};");
        w.Line($"ref float gates = ref {At("rec", layer.RecordGates)};");
        string? sweep = layer.Tuning.Sweeps ? "reverse" : null;
        foreach ((int from, int to) in new[] { (0, layer.Tuning.SplitColumn), (layer.Tuning.SplitColumn, gh) })
        {
            w.Open(from == 0 ? "if (part == 0)" : "else");
            if (from > 0)
            {
                // The partner's inputs were written by the calling thread: bring their lines over all at once.
                w.Line($"global::GenRnn.CorePartner.Touch(ref x, {i});");
                w.Line($"global::GenRnn.CorePartner.Touch(ref h, {h});");
            }

            if (m.IsGru)
            {
                BlockedMatrix.WriteAffine(w, k, to, (wih, i, "x", layer.BiasIh), null, "gates", bf16, sweep, blocks: blocks, from: from);
                BlockedMatrix.WriteAffine(w, k, to, (whh, h, "h", layer.BiasHh), null, "gh", bf16, sweep, blocks: blocks, from: from);
            }
            else
            {
                BlockedMatrix.WriteAffine(w, k, to, (wih, i, "x", layer.BiasIh), (whh, h, "h", layer.BiasHh), "gates", bf16, sweep, blocks: blocks, from: from);
            }

            w.Close();
        }

        w.Close();
    }

    /// <summary>
    /// The forward step of <paramref name="group"/> independent streams at once (batched streaming): the same updates as
    /// LayerNForward per stream, but the matrix products read each weight once for all the streams.
    /// </summary>
    public static void WriteForwardGroup(SourceWriter w, KernelEmitter k, ModelLayout layout, LayerLayout layer, int group)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, gh = m.GateSize, l = layer.Index;
        int rs = layout.StepRecordSize, ss = layout.StateSize, xs = l == 0 ? layout.InputSize : rs;
        w.Line($"// Layer {l} for {group} streams: inputs {xs} floats apart, states {ss}, records {rs}.");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}ForwardGroup(ref float p, ref float x, ref float state, ref float rec)");
        bool gru = WriteLocals(w, layer, group * gh);

        WriteInputProducts(w, k, layer, group, xs, rs, gru ? $"ref {Names.Unsafe}.Add(ref gh, s * {gh})" : null);
        string recurrent = gru ? "gh" : "gates";
        int recurrentStride = gru ? gh : rs;
        Family(m).WriteGroupRecurrent(w, k, layout, layer, group, recurrent, recurrentStride);

        w.Open($"for (int s = 0; s < {group}; s++)");
        w.Line($"ref float r = ref {Names.Unsafe}.Add(ref rec, s * {rs});");
        w.Line($"ref float st = ref {Names.Unsafe}.Add(ref state, s * {ss});");
        w.Line(UpdateCall(layer, "r", "st", $"{Names.Unsafe}.Add(ref gh, s * {gh})"));
        w.Close();
        w.Close();
    }

    /// <summary>
    /// The forward steps of one stream over <paramref name="group"/> consecutive records (a chunk of a sequence): the
    /// input products W_ih^T x_t of all of them first, each weight read once for the chunk (x_t does not depend on the
    /// state), then step by step the recurrent product and the cell update. The sums are taken in LayerNForward's
    /// order (biases, W_ih rows, W_hh rows), so a chunk equals that many steps bit for bit.
    /// </summary>
    public static void WriteForwardChunk(SourceWriter w, KernelEmitter k, ModelLayout layout, LayerLayout layer, int group)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, gh = m.GateSize, l = layer.Index, rs = layout.StepRecordSize;
        w.Line($"// Layer {l} over {group} consecutive steps: inputs and records {rs} floats apart, one state.");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}ForwardChunk(ref float p, ref float x, ref float state, ref float rec, bool reverse)");
        WriteLocals(w, layer, gh);
        WriteInputProducts(w, k, layer, group, rs, rs, null);
        w.Open($"for (int s = 0; s < {group}; s++)");
        w.Line($"ref float r = ref {Names.Unsafe}.Add(ref rec, s * {rs});");
        w.Line($"ref float ga = ref {At("r", layer.RecordGates)};");
        string? sweep = layer.Tuning.Sweeps ? "reverse != ((s & 1) != 0)" : null;
        Family(m).WriteChunkRecurrent(w, k, layer, sweep);

        w.Line(UpdateCall(layer, "r", "state", "gh"));
        w.Close();
        w.Close();
    }

    /// <summary>
    /// The locals of the group and chunk forms: h (in the state), gates (in the record), and for a GRU its recurrent
    /// accumulator gh on the stack, <paramref name="gruHidden"/> floats. Returns whether the layer is a GRU.
    /// </summary>
    private static bool WriteLocals(SourceWriter w, LayerLayout layer, int gruHidden)
    {
        w.Line($"ref float h = ref {At("state", layer.StateH)};");
        w.Line($"ref float gates = ref {At("rec", layer.RecordGates)};");
        if (!layer.Model.IsGru)
        {
            return false;
        }

        w.Line(Names.AlignedStack("hidden", $"{gruHidden}"));
        w.Line($"ref float gh = ref {Names.MemoryMarshal}.GetReference(hidden);");
        return true;
    }

    /// <summary>
    /// The input products of <paramref name="group"/> steps or streams: gates_s = b_ih (+ b_hh unless GRU) + W_ih^T x_s,
    /// inputs <paramref name="xs"/> and records <paramref name="rs"/> floats apart; a GRU's recurrent accumulator
    /// <paramref name="gruHidden"/> (for stream s), when given, starts at b_hh.
    /// </summary>
    private static void WriteInputProducts(SourceWriter w, KernelEmitter k, LayerLayout layer, int group, int xs, int rs, string? gruHidden)
    {
        int gh = layer.Model.GateSize;
        w.Open($"for (int s = 0; s < {group}; s++)");
        if (layer.Model.IsGru)
        {
            w.Line($"{k.Copy(gh)}(ref {At("p", layer.BiasIh)}, ref {Names.Unsafe}.Add(ref gates, s * {rs}));");
            if (gruHidden is not null)
            {
                w.Line($"{k.Copy(gh)}(ref {At("p", layer.BiasHh)}, {gruHidden});");
            }
        }
        else
        {
            w.Line($"{k.Add(gh)}(ref {At("p", layer.BiasIh)}, ref {At("p", layer.BiasHh)}, ref {Names.Unsafe}.Add(ref gates, s * {rs}));");
        }

        w.Close();
        GemvGroup(w, k, layer.WeightIh, layer.Model.InputSize, gh, 0, gh, group, "x", xs, "gates", rs, 0);
    }

    /// <summary>The cell update of the step recorded at <paramref name="r"/> over the state at <paramref name="st"/>.</summary>
    public static string UpdateCall(LayerLayout layer, string r, string st, string gh) => Family(layer.Model).UpdateCall(layer, r, st, gh);

    /// <summary>The group form of <see cref="Gemv"/>: streams' vectors <paramref name="vStride"/> apart, accumulators <paramref name="accStride"/> apart.</summary>
    public static void GemvGroup(SourceWriter w, KernelEmitter k, Offset offset, int rows, int columns, int first, int end, int group, string v, int vStride, string acc, int accStride, int accOffset) =>
        BlockedMatrix.Write(w, "p", offset, rows, columns, first, end, (n, s) => k.GemvGroup(rows, n, s, group, vStride, accStride), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {v}, ref {BlockedMatrix.Ref(acc, BlockedMatrix.Plus(accOffset, column))});");

    public static void WriteBackward(SourceWriter w, KernelEmitter k, ModelLayout layout, LayerLayout layer)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, gh = m.GateSize, i = m.InputSize, l = layer.Index;
        Offset stride = Offset.Named("StepRecordSize", layout.StepRecordSize), header = Offset.Named("TraceHeader", layout.TraceHeader);
        Offset input = l == 0 ? 0 : layout.Layers[l - 1].RecordH;
        w.Line($"// Layer {l} backward over the whole sequence. Step by step, from the last: dh += dIn[t], gate gradients da_t");
        w.Line("// (written over the recorded gates), then the recurrent product dh_prev = W_hh da_t. Then, for all steps at once:");
        w.Line("// the bias sums, dW_ih += sum_t x_t da_t^T, dW_hh += sum_t h_{t-1} da_t^T, and dOut[t] = W_ih da_t.");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Backward(ref float p, ref float g, ref float d0, int steps, ref float carry, ref float dIn, ref float dOut, bool wantDx, ref float scratch)");
        w.Line($"ref float dh = ref {At("carry", layer.StateH)};");
        w.Open("for (int t = steps - 1; t >= 0; t--)");
        w.Line($"ref float rec = ref {Names.Unsafe}.Add(ref d0, {header} + t * {stride});");
        w.Line($"ref float gates = ref {At("rec", layer.RecordGates)};");
        w.Line($"ref float hPrev = ref t == 0 ? ref {At("d0", layer.StateH)} : ref {Names.Unsafe}.Add(ref d0, {header + layer.RecordH - stride} + t * {stride});");
        w.Line($"{k.Accumulate(h)}(ref {Names.Unsafe}.Add(ref dIn, t * {h}), ref dh);");
        // A layer whose weights outgrow L1 reads W_hh's rows last to first on odd steps, so that each step starts
        // with the rows the step before read last, still in cache (as the forward sweeps its blocks).
        w.BackwardSweep = layer.Tuning.Sweeps ? "(t & 1) != 0" : null;
        Family(m).WriteBackwardStep(w, k, layer, header, stride);
        w.BackwardSweep = null;

        w.Close();
        w.Line();
        w.Line("// The whole sequence's weight and bias gradients.");
        w.Line($"ref float da0 = ref {At("d0", header + layer.RecordGates)};");
        w.Line($"ref float x0 = ref {At("d0", header + input)};");
        w.Line($"{k.SumRows(gh)}(ref da0, ref {At("g", layer.BiasIh)}, steps);");
        GerOverTime(w, k, layer.WeightIh, i, gh, 0, gh, "x0", "da0", 0, "steps");
        w.Line($"ref float h0 = ref {At("d0", layer.StateH)};");
        w.Line($"ref float h1 = ref {At("d0", header + layer.RecordH)};");
        w.Line($"ref float da1 = ref {At("d0", header + stride + layer.RecordGates)};");
        Family(m).WriteRecurrentWeightGradients(w, k, layer, header, stride);

        w.Open("if (wantDx)");
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line($"ref float da = ref {Names.Unsafe}.Add(ref da0, t * {stride});");
        GemvTransposed(w, k, layer.WeightIh, i, gh, 0, gh, "da", 0, $"{Names.Unsafe}.Add(ref dOut, t * {i})");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
        Family(m).WriteGradient(w, layer);
    }

    /// <summary>Floats of per-step scratch the layer's backward needs.</summary>
    public static int BackwardScratch(LayerModel m) => Family(m).BackwardScratch(m);

    /// <summary>acc[first..end) += W^T v over columns [first, end) of the blocked K x N matrix at <paramref name="offset"/> of the parameters.</summary>
    public static void Gemv(SourceWriter w, KernelEmitter k, Offset offset, int rows, int columns, int first, int end, string v, string acc, int accOffset = 0) =>
        BlockedMatrix.Write(w, "p", offset, rows, columns, first, end, (n, s) => k.Gemv(rows, n, s), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {v}, ref {BlockedMatrix.Ref(acc, BlockedMatrix.Plus(accOffset, column))});");

    /// <summary>dst[k] += sum over columns [first, end) of W[k, n] d[n] for the blocked matrix at <paramref name="offset"/> of the parameters.</summary>
    public static void GemvTransposed(SourceWriter w, KernelEmitter k, Offset offset, int rows, int columns, int first, int end, string d, int dOffset, string dst)
    {
        int count = end - first;
        bool whole = first % BlockedMatrix.Width == 0 && (end % BlockedMatrix.Width == 0 || end == columns);
        bool sixteen = System.Array.IndexOf(w.VectorLanes, Lanes.V512) >= 0 && SixteenRowReduction.Applies(rows, count);
        if (whole && (count > BlockedMatrix.Width || sixteen))
        {
            // Whole blocks (to the matrix's end, or to a block boundary: a GRU's r,z and n columns): one kernel that
            // sums each k across all blocks before reducing the lanes. Block first / 64 starts first K floats in.
            w.Line($"{k.GemvTransposedAll(rows, count)}(ref {At("p", offset + first * rows)}, ref {BlockedMatrix.Ref(d, dOffset.ToString())}, ref {dst}, {w.BackwardSweep ?? "false"});");
            return;
        }

        GemvTransposedPerBlock(w, k, offset, rows, columns, first, end, d, dOffset, dst);
    }

    private static void GemvTransposedPerBlock(SourceWriter w, KernelEmitter k, Offset offset, int rows, int columns, int first, int end, string d, int dOffset, string dst) =>
        BlockedMatrix.Write(w, "p", offset, rows, columns, first, end, (n, s) => k.GemvTransposed(rows, n, s), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {BlockedMatrix.Ref(d, BlockedMatrix.Plus(dOffset, column))}, ref {dst});");

    /// <summary>G[k, n] += v[k] d[n] over columns [first, end) of the blocked matrix at <paramref name="offset"/> of the gradients.</summary>
    public static void Ger(SourceWriter w, KernelEmitter k, Offset offset, int rows, int columns, int first, int end, string v, string d, int dOffset) =>
        BlockedMatrix.Write(w, "g", offset, rows, columns, first, end, (n, s) => k.Ger(rows, n, s), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {v}, ref {BlockedMatrix.Ref(d, BlockedMatrix.Plus(dOffset, column))});");

    /// <summary>G[k, n] += sum over t &lt; steps of x_t[k] d_t[n] (rows one step record apart) over columns [first, end).</summary>
    public static void GerOverTime(SourceWriter w, KernelEmitter k, Offset offset, int rows, int columns, int first, int end, string x, string d, int dOffset, string steps) =>
        BlockedMatrix.Write(w, "g", offset, rows, columns, first, end, (n, s) => k.GerOverTime(rows, n, s), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {x}, ref {BlockedMatrix.Ref(d, BlockedMatrix.Plus(dOffset, column))}, {steps});");

    /// <summary>What the layer's cell family writes itself (Emitting/Cells).</summary>
    private static CellFamilyEmitter Family(LayerModel m) => CellFamilyEmitter.For(m.Cell);

    /// <summary>
    /// A reference to the float at a constant offset from <paramref name="reference"/>. A named offset is written even
    /// when it is 0 (Unsafe.Add(ref p, L0WeightIh)), so that the reader sees which tensor it is; the JIT folds it away.
    /// </summary>
    public static string At(string reference, Offset offset) => offset.IsZero ? reference : $"{Names.Unsafe}.Add(ref {reference}, {offset})";
}
