using System.Linq;
using GenRnn.Generators.Model;

namespace GenRnn.Generators.Emitting;

/// <summary>ModelEmitter, the loops over steps: Step, StepStreams, the Forward overloads over sequences and Backward (BPTT).</summary>
internal static partial class ModelEmitter
{
    private static void WriteStep(SourceWriter w, ModelLayout layout, KernelEmitter kernels, bool split)
    {
        w.Line("/// <summary>One step: reads and updates <paramref name=\"state\"/>, writes OutputSize floats to <paramref name=\"output\"/>.</summary>");
        w.Line($"public void Step({Names.ReadOnlySpan} input, ref State state, {Names.Span} output) => Step(input, state.AsSpan(), output);");
        w.Line();
        w.Line("/// <summary>One step from a token id.</summary>");
        w.Line($"public void Step(int token, ref State state, {Names.Span} output) => Step(token, state.AsSpan(), output);");
        w.Line();
        w.Line("/// <summary>One step over a flat state of StateSize floats.</summary>");
        w.Open($"public void Step({Names.ReadOnlySpan} input, {Names.Span} state, {Names.Span} output)");
        w.Line($"{Names.Arguments}.CheckLength(input.Length, InputSize, nameof(input));");
        w.Line($"{Names.Arguments}.CheckLength(state.Length, StateSize, nameof(state));");
        w.Line($"{Names.Arguments}.CheckLength(output.Length, OutputSize, nameof(output));");
        if (split)
        {
            WriteSplitStep(w, layout, kernels, $"{kernels.Copy(layout.InputSize)}(ref {MM}.GetReference(input), ref work);");
        }

        w.Line(Names.AlignedStack("record", "StepRecordSize"));
        w.Line($"ref float rec = ref {MM}.GetReference(record);");
        w.Line($"ForwardStep(ref {MM}.GetArrayDataReference(Parameters), ref {MM}.GetReference(input), ref rec, ref {MM}.GetReference(state), {(layout.Plan.Sweeps ? "NextSweep()" : "false")});");
        w.Line($"{kernels.Copy(layout.OutputSize)}(ref {U}.Add(ref rec, RecordOutput), ref {MM}.GetReference(output));");
        w.Close();
        w.Line();
        w.Line("/// <summary>One step from a token id over a flat state.</summary>");
        w.Open($"public void Step(int token, {Names.Span} state, {Names.Span} output)");
        w.Line($"{Names.Arguments}.CheckToken(token, VocabularySize, nameof(token));");
        w.Line($"{Names.Arguments}.CheckLength(state.Length, StateSize, nameof(state));");
        w.Line($"{Names.Arguments}.CheckLength(output.Length, OutputSize, nameof(output));");
        if (split)
        {
            WriteSplitStep(w, layout, kernels, "LoadToken(ref parameters, token, ref work);");
        }

        w.Line(Names.AlignedStack("record", "StepRecordSize"));
        w.Line($"ref float rec = ref {MM}.GetReference(record);");
        w.Line($"ref float p = ref {MM}.GetArrayDataReference(Parameters);");
        w.Line("LoadToken(ref p, token, ref rec);");
        w.Line($"ForwardStep(ref p, ref rec, ref rec, ref {MM}.GetReference(state), {(layout.Plan.Sweeps ? "NextSweep()" : "false")});");
        w.Line($"{kernels.Copy(layout.OutputSize)}(ref {U}.Add(ref rec, RecordOutput), ref {MM}.GetReference(output));");
        w.Close();
        w.Line();
    }

    /// <summary>
    /// ForwardGroup or ForwardChunk: every layer's method of that form (<paramref name="layerCall"/> after "LayerN",
    /// {0} the layer's input), then the head of each of the <paramref name="count"/> records.
    /// </summary>
    private static void WriteSeveralSteps(SourceWriter w, ModelLayout layout, int count, string signature, string input0, string layerCall)
    {
        w.Line(Names.MethodImpl);
        w.Open(signature);
        foreach (LayerLayout l in layout.Layers)
        {
            string input = l.Index == 0 ? input0 : CellEmitter.At("rec", layout.Layers[l.Index - 1].RecordH);
            w.Line($"Layer{l.Index}" + string.Format(System.Globalization.CultureInfo.InvariantCulture, layerCall, input));
        }

        if (layout.Model.HasHead)
        {
            w.Open($"for (int g = 0; g < {count}; g++)");
            w.Line($"ref float r = ref {U}.Add(ref rec, g * StepRecordSize);");
            w.Line($"HeadForward(ref p, ref {CellEmitter.At("r", layout.Top.RecordH)}, ref {CellEmitter.At("r", layout.RecordOutput)});");
            w.Close();
        }

        w.Close();
    }

    private static void WriteStepStreams(SourceWriter w, ModelLayout layout)
    {
        int group = layout.Plan.StreamGroup;
        w.Line("/// <summary>");
        w.Line("/// One step of many independent streams (audio channels, game agents): stream s reads inputs[s * InputSize ..],");
        w.Line($"/// updates states[s * StateSize ..] and writes outputs[s * OutputSize ..]. Streams go {group} at a time, each weight read once for all of them.");
        w.Line("/// </summary>");
        w.Open($"public void StepStreams({Names.ReadOnlySpan} inputs, {Names.Span} states, {Names.Span} outputs)");
        w.Line($"int streams = {Names.Arguments}.CheckStreams(inputs.Length, states.Length, outputs.Length, InputSize, StateSize, OutputSize);");
        w.Line(Names.AlignedStack("records", $"{group} * StepRecordSize"));
        w.Line($"ref float rec = ref {MM}.GetReference(records);");
        w.Line($"ref float p = ref {MM}.GetArrayDataReference(Parameters);");
        w.Line($"ref float x = ref {MM}.GetReference(inputs);");
        w.Line($"ref float st = ref {MM}.GetReference(states);");
        w.Line("int s = 0;");
        if (group > 1)
        {
            w.Open($"for (; s + {group} <= streams; s += {group})");
            w.Line($"ForwardGroup(ref p, ref {U}.Add(ref x, s * InputSize), ref {U}.Add(ref st, s * StateSize), ref rec);");
            w.Open($"for (int g = 0; g < {group}; g++)");
            w.Line("records.Slice(g * StepRecordSize + RecordOutput, OutputSize).CopyTo(outputs.Slice((s + g) * OutputSize, OutputSize));");
            w.Close();
            w.Close();
        }

        w.Open("for (; s < streams; s++)");
        w.Line($"ForwardStep(ref p, ref {U}.Add(ref x, s * InputSize), ref rec, ref {U}.Add(ref st, s * StateSize), false);");
        w.Line("records.Slice(RecordOutput, OutputSize).CopyTo(outputs.Slice(s * OutputSize, OutputSize));");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>The untraced Forward overloads (float inputs and tokens, over ref State or a flat state).</summary>
    private static void WriteUntracedForward(SourceWriter w, KernelEmitter kernels, ModelLayout layout, int chunk, bool split)
    {
        w.Line("/// <summary>Runs T = inputs.Length / InputSize steps, writing T * OutputSize outputs and leaving the final state.</summary>");
        w.Line($"public void Forward({Names.ReadOnlySpan} inputs, ref State state, {Names.Span} outputs) => Forward(inputs, state.AsSpan(), outputs);");
        w.Line();
        w.Line("/// <summary>Runs a sequence of token ids.</summary>");
        w.Line($"public void Forward(global::System.ReadOnlySpan<int> tokens, ref State state, {Names.Span} outputs) => Forward(tokens, state.AsSpan(), outputs);");
        w.Line();
        WriteSequence(w, kernels, layout, tokens: false, traced: false, chunk, split);
        WriteSequence(w, kernels, layout, tokens: true, traced: false, chunk, split);
    }

    private static void WriteForward(SourceWriter w, ModelLayout layout, KernelEmitter kernels)
    {
        WriteUntracedForward(w, kernels, layout, layout.Plan.SequenceChunk, layout.Plan.SplitsSteps);
        w.Line("/// <summary>Runs a sequence and records in <paramref name=\"trace\"/> what Backward needs.</summary>");
        w.Line($"public void Forward({Names.ReadOnlySpan} inputs, ref State state, {Names.Span} outputs, {Names.Trace} trace) => Forward(inputs, state.AsSpan(), outputs, trace);");
        w.Line();
        w.Line("/// <summary>Runs a sequence of token ids and records in <paramref name=\"trace\"/> what Backward needs.</summary>");
        w.Line($"public void Forward(global::System.ReadOnlySpan<int> tokens, ref State state, {Names.Span} outputs, {Names.Trace} trace) => Forward(tokens, state.AsSpan(), outputs, trace);");
        w.Line();

        WriteSequence(w, kernels, layout, tokens: false, traced: true, layout.Plan.SequenceChunk, split: false);
        WriteSequence(w, kernels, layout, tokens: true, traced: true, layout.Plan.SequenceChunk, split: false);
    }

    /// <summary>
    /// One of the four sequence forward passes. Untraced, records on the stack serve every step; traced, the trace holds
    /// the initial state, then one record per step, each with its input (what Backward reads). With <paramref name="chunk"/>
    /// &gt; 1, the steps go that many at a time through ForwardChunk (which shares each input weight among them), the
    /// rest one by one. With <paramref name="split"/> (untraced, Cores = 2), the steps go through the split step when
    /// the work buffer is free.
    /// </summary>
    private static void WriteSequence(SourceWriter w, KernelEmitter kernels, ModelLayout layout, bool tokens, bool traced, int chunk, bool split)
    {
        string input = tokens ? "global::System.ReadOnlySpan<int> tokens" : $"{Names.ReadOnlySpan} inputs";
        w.Line($"/// <summary>Runs a sequence of {(tokens ? "token ids" : "input vectors")} over a flat state{(traced ? " and records it in <paramref name=\"trace\"/>" : "")}.</summary>");
        w.Open($"public void Forward({input}, {Names.Span} state, {Names.Span} outputs{(traced ? $", {Names.Trace} trace" : "")})");
        if (traced)
        {
            w.Line($"{Names.Arguments}.CheckTrace(trace, typeof({Names.Identifier(layout.Model.TypeName)}), TraceHeader, StepRecordSize);");
        }

        if (tokens)
        {
            w.Line($"{Names.Arguments}.CheckTokens(tokens, state.Length, outputs.Length, VocabularySize, StateSize, OutputSize);");
            w.Line("int steps = tokens.Length;");
        }
        else
        {
            w.Line($"int steps = {Names.Arguments}.CheckSequence(inputs.Length, state.Length, outputs.Length, InputSize, StateSize, OutputSize);");
        }

        if (split)
        {
            WriteSplitSequence(w, kernels, layout, tokens);
        }

        if (traced)
        {
            w.Line($"{Names.Span} data = trace.Begin(steps, {(tokens ? "tokens" : "default")});");
            w.Line("state.CopyTo(data);");
        }
        else
        {
            w.Line(Names.AlignedStack("record", chunk > 1 ? $"{chunk} * StepRecordSize" : "StepRecordSize"));
        }

        w.Line($"ref float p = ref {MM}.GetArrayDataReference(Parameters);");
        w.Line($"ref float s = ref {MM}.GetReference(state);");
        w.Line("int t = 0;");
        if (chunk > 1)
        {
            w.Open($"for (; t + {chunk} <= steps; t += {chunk})");
            WriteRecords(w, traced, $"{chunk} * StepRecordSize");
            w.Open($"for (int g = 0; g < {chunk}; g++)");
            WriteInput(w, tokens, "t + g", $"g * StepRecordSize");
            w.Close();
            w.Line($"ForwardChunk(ref p, ref rec, ref s, {(layout.Plan.Sweeps ? "(t & 1) != 0" : "false")});");
            w.Open($"for (int g = 0; g < {chunk}; g++)");
            w.Line($"{kernels.Copy(layout.OutputSize)}(ref {U}.Add(ref rec, g * StepRecordSize + RecordOutput), ref {U}.Add(ref {MM}.GetReference(outputs), (t + g) * OutputSize));");
            w.Close();
            w.Close();
        }

        w.Open("for (; t < steps; t++)");
        WriteRecords(w, traced, "StepRecordSize");
        string x = "rec";
        if (tokens || traced)
        {
            WriteInput(w, tokens, "t", "0");
        }
        else
        {
            x = $"{U}.Add(ref {MM}.GetReference(inputs), t * InputSize)";
        }

        w.Line($"ForwardStep(ref p, ref {x}, ref rec, ref s, {(layout.Plan.Sweeps ? "(t & 1) != 0" : "false")});");
        w.Line($"{kernels.Copy(layout.OutputSize)}(ref {U}.Add(ref rec, RecordOutput), ref {U}.Add(ref {MM}.GetReference(outputs), t * OutputSize));");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>"rec": the records of the steps from t on (in the trace), or the stack's.</summary>
    private static void WriteRecords(SourceWriter w, bool traced, string length)
    {
        if (traced)
        {
            w.Line($"{Names.Span} record = data.Slice(TraceHeader + t * StepRecordSize, {length});");
        }

        w.Line($"ref float rec = ref {MM}.GetReference(record);");
    }

    /// <summary>Writes step <paramref name="step"/>'s input vector at the start of the record <paramref name="at"/> floats into "record".</summary>
    private static void WriteInput(SourceWriter w, bool tokens, string step, string at)
    {
        w.Line(tokens
            ? $"LoadToken(ref p, tokens[{step}], ref {BlockedMatrix.Ref("rec", at)});"
            : $"inputs.Slice({(step.Contains(" ") ? $"({step})" : step)} * InputSize, InputSize).CopyTo({(at == "0" ? "record" : $"record.Slice({at})")});");
    }

    private static void WriteBackward(SourceWriter w, KernelEmitter kernels, ModelLayout layout, string self)
    {
        string args = $"{Names.Trace} trace, {Names.ReadOnlySpan} outputGradients, ref State stateGradient, {Names.Span} inputGradients";
        w.Line("/// <summary>BPTT over the traced sequence; adds parameter gradients into <see cref=\"Gradients\"/>. See IRecurrentModel.Backward.</summary>");
        w.Line($"public void Backward({args}) => BackwardCore(trace, outputGradients, stateGradient.AsSpan(), inputGradients, Gradients, fromLogits: false);");
        w.Line();
        w.Line("/// <summary>BPTT from gradients with respect to the head's logits (W h + b); adds into <see cref=\"Gradients\"/>.</summary>");
        w.Line($"public void BackwardFromLogits({args}) => BackwardCore(trace, outputGradients, stateGradient.AsSpan(), inputGradients, Gradients, fromLogits: true);");
        w.Line();
        string flat = $"{Names.Trace} trace, {Names.ReadOnlySpan} outputGradients, {Names.Span} stateGradient, {Names.Span} inputGradients, {Names.Span} gradients";
        w.Line("/// <summary>BPTT over the traced sequence, adding parameter gradients into <paramref name=\"gradients\"/>.</summary>");
        w.Line($"public void Backward({flat}) => BackwardCore(trace, outputGradients, stateGradient, inputGradients, gradients, fromLogits: false);");
        w.Line();
        w.Line("/// <summary>BPTT from logit gradients, adding parameter gradients into <paramref name=\"gradients\"/>.</summary>");
        w.Line($"public void BackwardFromLogits({flat}) => BackwardCore(trace, outputGradients, stateGradient, inputGradients, gradients, fromLogits: true);");
        w.Line();

        ModelSpec m = layout.Model;
        int scratch = System.Math.Max(1, layout.Layers.Max(l => CellEmitter.BackwardScratch(l.Model)));
        LayerLayout top = layout.Top;
        w.Open($"private void BackwardCore({flat}, bool fromLogits)");
        w.Line($"int steps = {Names.Arguments}.CheckBackward(trace, typeof({self}), TraceHeader, StepRecordSize, outputGradients.Length, stateGradient.Length, inputGradients.Length, gradients.Length, InputSize, StateSize, OutputSize, ParameterCount);");
        w.Line("trace.MarkConsumed();");
        w.Line();
        w.Line(Names.AlignedStack("carry", "StateSize"));
        w.Line("stateGradient.CopyTo(carry);");
        w.Line(Names.AlignedStack("scratchSpan", $"{scratch}")); // a GRU's recurrent-product vector is read by whole vectors
        w.Line($"ref float p = ref {MM}.GetArrayDataReference(Parameters);");
        w.Line($"ref float g = ref {MM}.GetReference(gradients);");
        w.Line($"ref float d0 = ref {MM}.GetReference(trace.Data);");
        w.Line($"ref float c = ref {MM}.GetReference(carry);");
        w.Line($"ref float scratch = ref {MM}.GetReference(scratchSpan);");
        w.Line("// Two rows per step of gradients flowing down: into a layer's outputs (dIn), out of its inputs (dOut).");
        w.Line($"{Names.Span} workspace = trace.Workspace;");
        w.Line($"{Names.Span} rowsA = workspace.Slice(0, steps * {layout.MaxLayerWidth});");
        w.Line($"{Names.Span} rowsB = workspace.Slice(steps * {layout.MaxLayerWidth}, steps * {layout.MaxLayerWidth});");
        w.Line($"{Names.Span} dTop = rowsA.Slice(0, steps * {top.Model.HiddenSize});");
        w.Line("dTop.Clear();");
        w.Open("if (outputGradients.Length != 0)");
        if (m.HasHead)
        {
            w.Line($"{Names.Span} dzSpan = stackalloc float[OutputSize];");
            w.Line($"ref float dy = ref {MM}.GetReference(outputGradients);");
            w.Open("for (int t = 0; t < steps; t++)");
            w.Line($"ref float rec = ref {U}.Add(ref d0, TraceHeader + t * StepRecordSize);");
            w.Line($"HeadBackward(ref p, ref g, ref {CellEmitter.At("rec", top.RecordH)}, ref {CellEmitter.At("rec", layout.RecordOutput)}, ref {U}.Add(ref dy, t * OutputSize), fromLogits, ref {MM}.GetReference(dzSpan), ref dTop[t * {top.Model.HiddenSize}]);");
            w.Close();
        }
        else
        {
            w.Line("outputGradients.CopyTo(dTop);");
        }

        w.Close();
        for (int li = layout.Layers.Count - 1; li >= 0; li--)
        {
            LayerLayout l = layout.Layers[li];
            bool evenFromTop = (layout.Layers.Count - 1 - li) % 2 == 0;
            string dIn = evenFromTop ? "rowsA" : "rowsB", dOut = evenFromTop ? "rowsB" : "rowsA";
            string wantDx = "true";
            if (li == 0)
            {
                w.Line("// Layer 0's input gradients go to the caller (float inputs) or to the embedding rows (tokens).");
                w.Line($"bool wantDx = inputGradients.Length != 0{(m.HasEmbedding ? " || trace.HasTokens" : "")};");
                wantDx = "wantDx";
            }

            w.Line($"{(li == 0 ? "if (wantDx) " : "")}{dOut}.Slice(0, steps * {l.Model.InputSize}).Clear();");
            w.Line($"Layer{li}Backward(ref p, ref g, ref d0, steps, ref c, ref {MM}.GetReference({dIn}), ref {MM}.GetReference({dOut}), {wantDx}, ref scratch);");
            if (li == 0)
            {
                w.Line($"if (inputGradients.Length != 0) {dOut}.Slice(0, steps * InputSize).CopyTo(inputGradients);");
                if (m.HasEmbedding)
                {
                    w.Open("else if (trace.HasTokens)");
                    w.Line("global::System.ReadOnlySpan<int> tokens = trace.Tokens;");
                    w.Open("for (int t = 0; t < steps; t++)");
                    w.Line($"{kernels.Accumulate(layout.InputSize)}(ref {dOut}[t * InputSize], ref {U}.Add(ref g, {layout.EmbeddingOffset} + tokens[t] * InputSize));");
                    w.Close();
                    w.Close();
                }
            }
        }

        w.Line("carry.CopyTo(stateGradient);");
        w.Close();
        w.Line();
    }
}
