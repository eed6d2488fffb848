using System.Linq;

namespace GenRnn.Generators.Emitting;

/// <summary>ModelEmitter, the bfloat16 inference snapshot (BFloat16Inference): ToBFloat16 and the nested BFloat16Model.</summary>
internal static partial class ModelEmitter
{
    /// <summary>
    /// ToBFloat16() and the nested BFloat16Model: an inference snapshot whose Step and Forward are the model's own
    /// (written by the same methods), running ForwardStepBFloat16 over its packed copy of the weights.
    /// </summary>
    private static void WriteBFloat16Model(SourceWriter w, ModelLayout layout, KernelEmitter kernels)
    {
        w.Line("/// <summary>");
        w.Line("/// An inference snapshot of the current parameters with the recurrent weight matrices rounded to bfloat16 (see");
        w.Line("/// GenRnn.BFloat16): half the bytes per step, float32 arithmetic. Later changes to Parameters do not reach it.");
        w.Line("/// </summary>");
        w.Line("public BFloat16Model ToBFloat16() => new BFloat16Model(Parameters);");
        w.Line();
        w.Line("/// <summary>A read-only inference copy of a model with its recurrent weight matrices in bfloat16 pairs of rows.</summary>");
        w.Open($"public sealed class BFloat16Model : global::GenRnn.IInferenceModel{(layout.Plan.SplitsSteps ? ", global::GenRnn.ISplitStep" : "")}");
        w.Line($"private const int PackedWords = {layout.PackedCount};");
        w.Line("private readonly float[] _parameters = global::GenRnn.AlignedArray.Create(ParameterCount);");
        w.Line("// bfloat16 pairs as 32-bit words (bit patterns, read through a ref uint).");
        w.Line("private readonly float[] _packed = global::GenRnn.AlignedArray.Create(PackedWords);");
        w.Line();
        w.Open("internal BFloat16Model(float[] parameters)");
        w.Line("global::System.Array.Copy(parameters, _parameters, ParameterCount);");
        foreach (LayerLayout l in layout.Layers.Where(l => l.Tuning.PacksBFloat16))
        {
            int gh = l.Model.GateSize, i = l.Model.InputSize, h = l.Model.HiddenSize;
            w.Line($"global::GenRnn.BFloat16.PackPairs(new {Names.ReadOnlySpan}(parameters, {l.WeightIh}, {i * gh}), {i}, {gh}, new {Names.Span}(_packed, {l.PackedIh}, {(i + 1) / 2 * gh}));");
            w.Line($"global::GenRnn.BFloat16.PackPairs(new {Names.ReadOnlySpan}(parameters, {l.WeightHh}, {h * gh}), {h}, {gh}, new {Names.Span}(_packed, {l.PackedHh}, {(h + 1) / 2 * gh}));");
        }

        w.Close();
        w.Line();
        w.Line("// The float parameters the snapshot reads (biases, and whatever is not packed); named so that the model's own");
        w.Line("// Step and Forward, written below unchanged, read them.");
        w.Line("private float[] Parameters => _parameters;");
        w.Line();
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        w.Line($"private void ForwardStep(ref float p, ref float x, ref float rec, ref float s, bool reverse) => ForwardStepBFloat16(ref p, ref {U}.As<float, uint>(ref {MM}.GetArrayDataReference(_packed)), ref x, ref rec, ref s, reverse);");
        w.Line();
        if (layout.Plan.Sweeps)
        {
            WriteSweep(w);
        }

        if (layout.Plan.SplitsSteps)
        {
            WriteSplitFields(w, layout, constants: false);
        }

        WriteStep(w, layout, kernels, layout.Plan.SplitsSteps);
        WriteUntracedForward(w, kernels, layout, chunk: 1, layout.Plan.SplitsSteps); // no bfloat16 chunk kernels: one step at a time (TuningPlan.BFloat16Snapshot)
        if (layout.Plan.SplitsSteps)
        {
            WriteForwardStepSplit(w, layout, bf16: true);
        }

        w.Close();
        w.Line();
    }
}
