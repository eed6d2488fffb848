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
        string? sweep = layer.Sweeps ? "reverse" : null;
        int blocks = bf16 ? 2 : layer.BlocksPerCall; // the bfloat16 kernel over four blocks spills (LayerLayout.BlocksPerCall)
        int wih = bf16 ? layer.PackedIh : layer.WeightIh, whh = bf16 ? layer.PackedHh : layer.WeightHh;
        WriteLocals(w, layer, gh);
        switch (m.Cell)
        {
            case CellKind.Gru:
                BlockedMatrix.WriteAffine(w, k, gh, (wih, i, "x", layer.BiasIh), null, "gates", bf16, sweep, blocks: blocks);
                BlockedMatrix.WriteAffine(w, k, gh, (whh, h, "h", layer.BiasHh), null, "gh", bf16, sweep, blocks: blocks);
                break;
            case CellKind.GruResetBefore:
                w.Line($"{k.Copy(gh)}(ref {At("p", layer.BiasIh)}, ref gates);");
                Gemv(w, k, layer.WeightIh, i, gh, 0, gh, "x", "gates");
                WriteResetBeforeRecurrent(w, k, layer, "gates", "rec");
                break;
            case CellKind.Rnn or CellKind.Lstm or CellKind.LstmNoForgetGate or CellKind.PeepholeLstm:
                BlockedMatrix.WriteAffine(w, k, gh, (wih, i, "x", layer.BiasIh), (whh, h, "h", layer.BiasHh), "gates", bf16, sweep, blocks: blocks);
                break;
            default:
                throw Names.UnknownCell(m.Cell);
        }

        w.Line(UpdateCall(layer, "rec", "state", "gh"));
        w.Close();
        if (!bf16)
        {
            w.Line();
            WriteForwardUpdate(w, layer);
        }
    }

    /// <summary>
    /// Under Cores = 2, LayerNForwardPart: the gate pre-activations of part 0 (rows below LayerLayout.SplitColumn, the
    /// calling thread's) or part 1 (the rest, GenRnn.CorePartner's), taken as LayerNForward takes them, so that the two
    /// parts give its sums bit for bit. A GRU's recurrent accumulator gh is in the model's work buffer. The cell update
    /// follows (UpdateCall) once both parts are done. With <paramref name="bf16"/>, LayerNForwardPartBFloat16, which
    /// reads the weight matrices as the bfloat16 snapshot's pairs in q (LayerNForwardBFloat16's kernels).
    /// </summary>
    public static void WriteForwardPart(SourceWriter w, KernelEmitter k, LayerLayout layer, bool bf16 = false)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, gh = m.GateSize, i = m.InputSize, l = layer.Index;
        int wih = bf16 ? layer.PackedIh : layer.WeightIh, whh = bf16 ? layer.PackedHh : layer.WeightHh;
        int blocks = bf16 ? 2 : layer.BlocksPerCall; // as in WriteForward
        w.Line($"// Layer {l}, gate rows [0, {layer.SplitColumn}) (part 0) or [{layer.SplitColumn}, {gh}) (part 1).{(bf16 ? " Weights in bfloat16." : "")}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}ForwardPart{(bf16 ? "BFloat16" : "")}(ref float p, {(bf16 ? "ref uint q, " : "")}ref float x, ref float state, ref float rec, {(m.IsGru ? "ref float gh, " : "")}bool reverse, int part)");
        w.Line($"ref float h = ref {At("state", layer.StateH)};");
        w.Line($"ref float gates = ref {At("rec", layer.RecordGates)};");
        string? sweep = layer.Sweeps ? "reverse" : null;
        foreach ((int from, int to) in new[] { (0, layer.SplitColumn), (layer.SplitColumn, gh) })
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
        GemvGroup(w, k, layer.WeightHh, h, gh, 0, m.Cell == CellKind.GruResetBefore ? 2 * h : gh, group, "h", ss, recurrent, recurrentStride, 0);
        if (m.Cell == CellKind.GruResetBefore)
        {
            w.Open($"for (int s = 0; s < {group}; s++)");
            w.Line($"Layer{l}Reset(ref {Names.Unsafe}.Add(ref gates, s * {rs}), ref {Names.Unsafe}.Add(ref gh, s * {gh}), ref {Names.Unsafe}.Add(ref h, s * {ss}), ref {Names.Unsafe}.Add(ref rec, s * {rs} + {layer.RecordAux}));");
            w.Close();
            w.Line($"ref float rh = ref {At("rec", layer.RecordAux)};");
            GemvGroup(w, k, layer.WeightHh, h, gh, 2 * h, gh, group, "rh", rs, "gh", gh, 2 * h);
        }

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
        string? sweep = layer.Sweeps ? "reverse != ((s & 1) != 0)" : null;
        switch (m.Cell)
        {
            case CellKind.Gru:
                BlockedMatrix.WriteAffine(w, k, gh, (layer.WeightHh, h, "h", layer.BiasHh), null, "gh", reverse: sweep, blocks: layer.BlocksPerCall);
                break;
            case CellKind.GruResetBefore:
                WriteResetBeforeRecurrent(w, k, layer, "ga", "r");
                break;
            case CellKind.Rnn or CellKind.Lstm or CellKind.LstmNoForgetGate or CellKind.PeepholeLstm:
                BlockedMatrix.WriteAffine(w, k, gh, (layer.WeightHh, h, "h", -1), null, "ga", reverse: sweep, accumulate: true, blocks: layer.BlocksPerCall);
                break;
            default:
                throw Names.UnknownCell(m.Cell);
        }

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

    /// <summary>The cell update of the step recorded at <paramref name="r"/> over the state at <paramref name="st"/>.</summary>
    public static string UpdateCall(LayerLayout layer, string r, string st, string gh)
    {
        LayerModel m = layer.Model;
        int l = layer.Index;
        return m.Cell switch
        {
            CellKind.Gru => $"Layer{l}Update(ref {At(r, layer.RecordGates)}, ref {gh}, ref {At(st, layer.StateH)}, ref {At(r, layer.RecordH)}, ref {At(r, layer.RecordAux)});",
            CellKind.GruResetBefore => $"Layer{l}Update(ref {At(r, layer.RecordGates)}, ref {gh}, ref {At(st, layer.StateH)}, ref {At(r, layer.RecordH)});",
            CellKind.Rnn => $"Layer{l}Update(ref {At(r, layer.RecordGates)}, ref {At(st, layer.StateH)}, ref {At(r, layer.RecordH)});",
            CellKind.Lstm or CellKind.LstmNoForgetGate or CellKind.PeepholeLstm => $"Layer{l}Update(ref {At(r, layer.RecordGates)}, ref {At(st, layer.StateH)}, ref {At(st, layer.StateC)}, ref {At(r, layer.RecordC)}, ref {At(r, layer.RecordH)}{(m.Cell == CellKind.PeepholeLstm ? $", ref {At("p", layer.Peepholes)}" : "")});",
            _ => throw Names.UnknownCell(m.Cell),
        };
    }

    /// <summary>The group form of <see cref="Gemv"/>: streams' vectors <paramref name="vStride"/> apart, accumulators <paramref name="accStride"/> apart.</summary>
    private static void GemvGroup(SourceWriter w, KernelEmitter k, int offset, int rows, int columns, int first, int end, int group, string v, int vStride, string acc, int accStride, int accOffset) =>
        BlockedMatrix.Write(w, "p", offset, rows, columns, first, end, (n, s) => k.GemvGroup(rows, n, s, group, vStride, accStride), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {v}, ref {BlockedMatrix.Ref(acc, BlockedMatrix.Plus(accOffset, column))});");

    public static void WriteBackward(SourceWriter w, KernelEmitter k, ModelLayout layout, LayerLayout layer)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, gh = m.GateSize, i = m.InputSize, l = layer.Index;
        int stride = layout.StepRecordSize, header = layout.TraceHeader;
        int input = l == 0 ? 0 : layout.Layers[l - 1].RecordH;
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
        switch (m.Cell)
        {
            case CellKind.Rnn:
                w.Line($"Layer{l}Gradient(ref {At("rec", layer.RecordH)}, ref dh, ref gates);");
                GemvTransposed(w, k, layer.WeightHh, h, gh, 0, gh, "gates", 0, "dh");
                break;
            case CellKind.Gru:
                w.Line($"ref float aux = ref {At("rec", layer.RecordAux)};");
                w.Line($"Layer{l}Gradient(ref gates, ref aux, ref hPrev, ref dh);");
                GemvTransposed(w, k, layer.WeightHh, h, gh, 0, 2 * h, "gates", 0, "dh");
                GemvTransposed(w, k, layer.WeightHh, h, gh, 2 * h, gh, "aux", 0, "dh");
                break;
            case CellKind.GruResetBefore:
                w.Line("ref float drh = ref scratch;");
                w.Line($"Layer{l}Gradient(ref gates, ref hPrev, ref dh, ref drh);");
                GemvTransposed(w, k, layer.WeightHh, h, gh, 2 * h, gh, "gates", 2 * h, "drh");
                w.Line($"Layer{l}ResetGradient(ref gates, ref hPrev, ref drh, ref dh);");
                GemvTransposed(w, k, layer.WeightHh, h, gh, 0, 2 * h, "gates", 0, "dh");
                break;
            case CellKind.Lstm or CellKind.LstmNoForgetGate or CellKind.PeepholeLstm:
                w.Line($"ref float cPrev = ref t == 0 ? ref {At("d0", layer.StateC)} : ref {Names.Unsafe}.Add(ref d0, {header + layer.RecordC - stride} + t * {stride});");
                string peep = m.Cell == CellKind.PeepholeLstm ? $", ref {At("p", layer.Peepholes)}, ref {At("g", layer.Peepholes)}" : "";
                w.Line($"Layer{l}Gradient(ref gates, ref {At("rec", layer.RecordC)}, ref cPrev, ref dh, ref {At("carry", layer.StateC)}{peep});");
                GemvTransposed(w, k, layer.WeightHh, h, gh, 0, gh, "gates", 0, "dh");
                break;
            default:
                throw Names.UnknownCell(m.Cell);
        }

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
        switch (m.Cell)
        {
            case CellKind.Gru:
                // The n block of W_hh saw r * (W_hn h + b_hn): its gradient (da_n r) was written over the aux record.
                w.Line($"ref float aux0 = ref {At("d0", header + layer.RecordAux)};");
                w.Line($"ref float aux1 = ref {At("d0", header + stride + layer.RecordAux)};");
                w.Line($"{k.SumRows(2 * h)}(ref da0, ref {At("g", layer.BiasHh)}, steps);");
                w.Line($"{k.SumRows(h)}(ref aux0, ref {At("g", layer.BiasHh + 2 * h)}, steps);");
                Ger(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h0", "da0", 0);
                Ger(w, k, layer.WeightHh, h, gh, 2 * h, gh, "h0", "aux0", 0);
                GerOverTime(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h1", "da1", 0, "steps - 1");
                GerOverTime(w, k, layer.WeightHh, h, gh, 2 * h, gh, "h1", "aux1", 0, "steps - 1");
                break;
            case CellKind.GruResetBefore:
                // The r and z blocks of W_hh multiply h_prev, the n block r * h_prev (recorded in aux).
                w.Line($"ref float rh0 = ref {At("d0", header + layer.RecordAux)};");
                w.Line($"{k.SumRows(gh)}(ref da0, ref {At("g", layer.BiasHh)}, steps);");
                Ger(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h0", "da0", 0);
                GerOverTime(w, k, layer.WeightHh, h, gh, 0, 2 * h, "h1", "da1", 0, "steps - 1");
                GerOverTime(w, k, layer.WeightHh, h, gh, 2 * h, gh, "rh0", "da0", 2 * h, "steps");
                break;
            case CellKind.Rnn or CellKind.Lstm or CellKind.LstmNoForgetGate or CellKind.PeepholeLstm:
                w.Line($"{k.SumRows(gh)}(ref da0, ref {At("g", layer.BiasHh)}, steps);");
                Ger(w, k, layer.WeightHh, h, gh, 0, gh, "h0", "da0", 0);
                GerOverTime(w, k, layer.WeightHh, h, gh, 0, gh, "h1", "da1", 0, "steps - 1");
                break;
            default:
                throw Names.UnknownCell(m.Cell);
        }

        w.Open("if (wantDx)");
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line($"ref float da = ref {Names.Unsafe}.Add(ref da0, t * {stride});");
        GemvTransposed(w, k, layer.WeightIh, i, gh, 0, gh, "da", 0, $"{Names.Unsafe}.Add(ref dOut, t * {i})");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
        WriteGradient(w, layer);
    }

    /// <summary>Floats of per-step scratch the layer's backward needs.</summary>
    public static int BackwardScratch(LayerModel m) => m.Cell == CellKind.GruResetBefore ? m.HiddenSize : 0;

    private static void WriteForwardUpdate(SourceWriter w, LayerLayout layer)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, l = layer.Index;
        switch (m.Cell)
        {
            case CellKind.Rnn:
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
                break;
            case CellKind.Lstm:
            case CellKind.LstmNoForgetGate:
            case CellKind.PeepholeLstm:
                bool forget = m.Cell != CellKind.LstmNoForgetGate, peephole = m.Cell == CellKind.PeepholeLstm;
                int gi = 0, gf = h, gg = forget ? 2 * h : h, go = forget ? 3 * h : 2 * h;
                w.Line(peephole
                    ? "// i = s(a_i + p_i c), f = s(a_f + p_f c), c' = f c + i tanh(a_g), o = s(a_o + p_o c'), h' = o tanh(c')"
                    : forget ? "// c' = s(f) c + s(i) tanh(g), h' = s(o) tanh(c')" : "// 1997 LSTM: c' = c + s(i) tanh(g), h' = s(o) tanh(c')");
                w.Line(Names.MethodImpl);
                w.Open($"private static void Layer{l}Update(ref float gates, ref float h, ref float c, ref float recC, ref float recH{(peephole ? ", ref float peep" : "")})");
                Loops.Elementwise(w, h, v =>
                {
                    w.Line($"var cp = {v.Load("c", "n")};");
                    w.Line($"var i = {v.Sigmoid(v.Load("gates", $"n + {gi}") + (peephole ? $" + {v.Load("peep", "n")} * cp" : ""))};");
                    if (forget)
                    {
                        w.Line($"var f = {v.Sigmoid(v.Load("gates", $"n + {gf}") + (peephole ? $" + {v.Load("peep", $"n + {h}")} * cp" : ""))};");
                    }

                    w.Line($"var gg = {v.Tanh(v.Load("gates", $"n + {gg}"))};");
                    w.Line($"var cn = {(forget ? "f * cp" : "cp")} + i * gg;");
                    w.Line($"var o = {v.Sigmoid(v.Load("gates", $"n + {go}") + (peephole ? $" + {v.Load("peep", $"n + {2 * h}")} * cn" : ""))};");
                    w.Line($"var hn = o * {v.Tanh("cn")};");
                    w.Line(v.Store("gates", $"n + {gi}", "i"));
                    if (forget)
                    {
                        w.Line(v.Store("gates", $"n + {gf}", "f"));
                    }

                    w.Line(v.Store("gates", $"n + {gg}", "gg"));
                    w.Line(v.Store("gates", $"n + {go}", "o"));
                    w.Line(v.Store("c", "n", "cn"));
                    w.Line(v.Store("recC", "n", "cn"));
                    w.Line(v.Store("h", "n", "hn"));
                    w.Line(v.Store("recH", "n", "hn"));
                });
                break;
            case CellKind.Gru:
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
                break;
            case CellKind.GruResetBefore:
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
                break;
            default:
                throw Names.UnknownCell(m.Cell);
        }

        w.Close();
    }

    private static void WriteGradient(SourceWriter w, LayerLayout layer)
    {
        LayerModel m = layer.Model;
        int h = m.HiddenSize, l = layer.Index;
        switch (m.Cell)
        {
            case CellKind.Rnn:
                w.Line("// da = dh (1 - h^2); the recurrent product refills dh");
                w.Line(Names.MethodImpl);
                w.Open($"private static void Layer{l}Gradient(ref float recH, ref float dh, ref float da)");
                Loops.Elementwise(w, h, v =>
                {
                    w.Line($"var y = {v.Load("recH", "n")};");
                    w.Line(v.Store("da", "n", $"{v.Load("dh", "n")} * ({v.One} - y * y)"));
                    w.Line(v.Store("dh", "n", v.Zero));
                });
                break;
            case CellKind.Lstm:
            case CellKind.LstmNoForgetGate:
            case CellKind.PeepholeLstm:
                bool forget = m.Cell != CellKind.LstmNoForgetGate, peephole = m.Cell == CellKind.PeepholeLstm;
                int gi = 0, gf = h, gg = forget ? 2 * h : h, go = forget ? 3 * h : 2 * h;
                w.Line("// dc_total = dc + dh o (1 - tanh(c)^2); da_i = dc_total g i (1 - i); da_f = dc_total c_prev f (1 - f);");
                w.Line("// da_g = dc_total i (1 - g^2); da_o = dh tanh(c) o (1 - o); dc_prev = dc_total f (+ peephole terms). da replaces the gates.");
                w.Line(Names.MethodImpl);
                w.Open($"private static void Layer{l}Gradient(ref float gates, ref float recC, ref float cPrev, ref float dh, ref float dc{(peephole ? ", ref float peep, ref float dpeep" : "")})");
                Loops.Elementwise(w, h, v =>
                {
                    w.Line($"var i = {v.Load("gates", $"n + {gi}")};");
                    if (forget)
                    {
                        w.Line($"var f = {v.Load("gates", $"n + {gf}")};");
                    }

                    w.Line($"var gg = {v.Load("gates", $"n + {gg}")};");
                    w.Line($"var o = {v.Load("gates", $"n + {go}")};");
                    w.Line($"var ct = {v.Load("recC", "n")};");
                    w.Line($"var cp = {v.Load("cPrev", "n")};");
                    w.Line($"var tc = {v.Tanh("ct")};");
                    w.Line($"var dhv = {v.Load("dh", "n")};");
                    w.Line($"var dao = dhv * tc * o * ({v.One} - o);");
                    w.Line($"var dct = {v.Load("dc", "n")} + dhv * o * ({v.One} - tc * tc){(peephole ? $" + dao * {v.Load("peep", $"n + {2 * h}")}" : "")};");
                    w.Line($"var dai = dct * gg * i * ({v.One} - i);");
                    if (forget)
                    {
                        w.Line($"var daf = dct * cp * f * ({v.One} - f);");
                    }

                    w.Line($"var dag = dct * i * ({v.One} - gg * gg);");
                    w.Line(v.Store("gates", $"n + {gi}", "dai"));
                    if (forget)
                    {
                        w.Line(v.Store("gates", $"n + {gf}", "daf"));
                    }

                    w.Line(v.Store("gates", $"n + {gg}", "dag"));
                    w.Line(v.Store("gates", $"n + {go}", "dao"));
                    string dcPrev = !forget ? "dct" : peephole
                        ? $"dct * f + dai * {v.Load("peep", "n")} + daf * {v.Load("peep", $"n + {h}")}"
                        : "dct * f";
                    w.Line(v.Store("dc", "n", dcPrev));
                    w.Line(v.Store("dh", "n", v.Zero));
                    if (peephole)
                    {
                        w.Line(v.Store("dpeep", "n", $"{v.Load("dpeep", "n")} + dai * cp"));
                        w.Line(v.Store("dpeep", $"n + {h}", $"{v.Load("dpeep", $"n + {h}")} + daf * cp"));
                        w.Line(v.Store("dpeep", $"n + {2 * h}", $"{v.Load("dpeep", $"n + {2 * h}")} + dao * ct"));
                    }
                });
                break;
            case CellKind.Gru:
                w.Line("// da_n = dh (1 - z)(1 - n^2); da_z = dh (h_prev - n) z (1 - z); da_r = da_n hn r (1 - r); da replaces the gates,");
                w.Line("// and the W_hh n block's gradient da_n r replaces hn in aux; dh_prev starts at dh z");
                w.Line(Names.MethodImpl);
                w.Open($"private static void Layer{l}Gradient(ref float gates, ref float aux, ref float hPrev, ref float dh)");
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
                    w.Line(v.Store("aux", "n", "dan * r"));
                    w.Line(v.Store("dh", "n", "dhv * z"));
                });
                break;
            case CellKind.GruResetBefore:
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
                break;
            default:
                throw Names.UnknownCell(m.Cell);
        }

        w.Close();
    }

    /// <summary>acc[first..end) += W^T v over columns [first, end) of the blocked K x N matrix at <paramref name="offset"/> of the parameters.</summary>
    public static void Gemv(SourceWriter w, KernelEmitter k, int offset, int rows, int columns, int first, int end, string v, string acc, int accOffset = 0) =>
        BlockedMatrix.Write(w, "p", offset, rows, columns, first, end, (n, s) => k.Gemv(rows, n, s), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {v}, ref {BlockedMatrix.Ref(acc, BlockedMatrix.Plus(accOffset, column))});");

    /// <summary>dst[k] += sum over columns [first, end) of W[k, n] d[n] for the blocked matrix at <paramref name="offset"/> of the parameters.</summary>
    public static void GemvTransposed(SourceWriter w, KernelEmitter k, int offset, int rows, int columns, int first, int end, string d, int dOffset, string dst)
    {
        if (first == 0 && end == columns && columns > BlockedMatrix.Width)
        {
            // The whole matrix: one kernel that sums each k across all blocks before reducing the lanes.
            w.Line($"{k.GemvTransposedAll(rows, columns)}(ref {At("p", offset)}, ref {BlockedMatrix.Ref(d, dOffset.ToString())}, ref {dst});");
            return;
        }

        GemvTransposedPerBlock(w, k, offset, rows, columns, first, end, d, dOffset, dst);
    }

    private static void GemvTransposedPerBlock(SourceWriter w, KernelEmitter k, int offset, int rows, int columns, int first, int end, string d, int dOffset, string dst) =>
        BlockedMatrix.Write(w, "p", offset, rows, columns, first, end, (n, s) => k.GemvTransposed(rows, n, s), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {BlockedMatrix.Ref(d, BlockedMatrix.Plus(dOffset, column))}, ref {dst});");

    /// <summary>G[k, n] += v[k] d[n] over columns [first, end) of the blocked matrix at <paramref name="offset"/> of the gradients.</summary>
    public static void Ger(SourceWriter w, KernelEmitter k, int offset, int rows, int columns, int first, int end, string v, string d, int dOffset) =>
        BlockedMatrix.Write(w, "g", offset, rows, columns, first, end, (n, s) => k.Ger(rows, n, s), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {v}, ref {BlockedMatrix.Ref(d, BlockedMatrix.Plus(dOffset, column))});");

    /// <summary>G[k, n] += sum over t &lt; steps of x_t[k] d_t[n] (rows one step record apart) over columns [first, end).</summary>
    public static void GerOverTime(SourceWriter w, KernelEmitter k, int offset, int rows, int columns, int first, int end, string x, string d, int dOffset, string steps) =>
        BlockedMatrix.Write(w, "g", offset, rows, columns, first, end, (n, s) => k.GerOverTime(rows, n, s), (kernel, matrix, column) =>
            $"{kernel}(ref {matrix}, ref {x}, ref {BlockedMatrix.Ref(d, BlockedMatrix.Plus(dOffset, column))}, {steps});");

    /// <summary>A reference to the float at a constant offset from <paramref name="reference"/>.</summary>
    public static string At(string reference, int offset) => offset == 0 ? reference : $"{Names.Unsafe}.Add(ref {reference}, {offset})";
}
