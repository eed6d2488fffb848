using System.Collections.Generic;
using System.Linq;
using GenRnn.Generators.Model;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// ModelEmitter, the public API surface: the header line, constants (with the named offsets), Description, parameter
/// buffers and State. The argument checks are GenRnn.CompilerServices.ModelArguments's, in the runtime (Names.Arguments).
/// </summary>
internal static partial class ModelEmitter
{
    private static string Describe(ModelSpec model)
    {
        var parts = new List<string>();
        if (model.HasEmbedding)
        {
            parts.Add($"Embedding({model.Vocabulary}, {model.EmbeddingDimensions})");
        }

        parts.AddRange(model.Layers.Select(l => $"{l.Cell}({l.InputSize}, {l.HiddenSize})"));
        if (model.HasHead)
        {
            parts.Add($"Dense({model.HeadOutputs}, {model.HeadActivation})");
        }

        return model.FullName + ": " + string.Join(" -> ", parts);
    }

    private static void WriteConstants(SourceWriter w, ModelLayout layout)
    {
        ModelSpec m = layout.Model;
        string self = Names.Identifier(m.TypeName);
        w.Line($"/// <summary>Floats per step of a float input{(m.HasEmbedding ? " (the embedding's dimensions)" : "")}.</summary>");
        w.Line($"public const int InputSize = {layout.InputSize};");
        w.Line("/// <summary>Floats per step of the output.</summary>");
        w.Line($"public const int OutputSize = {layout.OutputSize};");
        w.Line("/// <summary>Hidden size of the top recurrent layer.</summary>");
        w.Line($"public const int HiddenSize = {layout.Top.Model.HiddenSize};");
        w.Line("/// <summary>Number of recurrent layers.</summary>");
        w.Line($"public const int LayerCount = {m.Layers.Count};");
        w.Line("/// <summary>Floats in a state: per layer h, then c for LSTMs.</summary>");
        w.Line($"public const int StateSize = {layout.StateSize};");
        w.Line("/// <summary>Number of parameters.</summary>");
        w.Line($"public const int ParameterCount = {layout.ParameterCount};");
        w.Line($"/// <summary>Token ids accepted by the token overloads{(m.HasEmbedding ? "" : " (one-hot inputs)")}.</summary>");
        w.Line($"public const int VocabularySize = {layout.VocabularySize};");
        w.Line("// Floats a traced forward pass records per step.");
        w.Line($"private const int StepRecordSize = {layout.StepRecordSize};");
        w.Line($"private const int TraceHeader = {layout.TraceHeader};");
        WriteOffsets(w, layout);
        w.Line();
        foreach (string name in new[] { "InputSize", "OutputSize", "HiddenSize", "LayerCount", "StateSize", "ParameterCount", "VocabularySize" })
        {
            w.Line($"static int global::GenRnn.IRecurrentModel<{self}>.{name} => {name};");
        }

        w.Line();
        w.Line("/// <summary>The layers and every parameter tensor with its PyTorch name, shape and offset.</summary>");
        string layers = string.Join(", ", m.Layers.Select(l => $"new global::GenRnn.LayerSpec(global::GenRnn.CellKind.{l.Cell}, {l.InputSize}, {l.HiddenSize}{(l.Lstm is null ? "" : $", {l.Lstm.Expression()}")})"));
        w.Line($"public static global::GenRnn.ModelDescription Description {{ get; }} = global::GenRnn.ModelDescription.Create(\"{m.FullName}\", {m.Vocabulary}, {m.EmbeddingDimensions}, new global::GenRnn.LayerSpec[] {{ {layers} }}, {m.HeadOutputs}, global::GenRnn.Activation.{m.HeadActivation});");
        w.Line();
        w.Line("/// <summary>Creates a model with zero parameters.</summary>");
        w.Line($"public static {self} Create() => new {self}();");
        w.Line();
    }

    /// <summary>
    /// The named offsets (ModelLayout's) that the code uses instead of bare numbers, so that a reader stepping through
    /// it sees which tensor or record section each Unsafe.Add reaches.
    /// </summary>
    private static void WriteOffsets(SourceWriter w, ModelLayout layout)
    {
        w.Line("// Offsets in floats, named so that the code below says which tensor or section it reaches. Parameters and Gradients");
        w.Line("// share one layout (Description lists it with PyTorch's names): L<k>WeightIh, L<k>WeightHh, L<k>BiasIh and L<k>BiasHh");
        w.Line("// are layer k's weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k> and bias_hh_l<k> (matrices stored transposed in blocks");
        w.Line("// of 64 gate rows), L<k>Peepholes starts its peephole_i, _f and _o vectors (each HiddenSize long), and");
        w.Line("// EmbeddingWeight, HeadWeight and HeadBias are embedding.weight, head.weight and head.bias.");
        Declare(w, layout.ParameterOffsets);
        w.Line("// Layer k's h, and c for LSTMs, in a state.");
        Declare(w, layout.StateOffsets);
        w.Line("// Sections of a step record, which starts with the step's input: layer k's gates (activated by the forward pass,");
        w.Line("// replaced by their gradients in backward), c for LSTMs, h, and for GRUs an aux vector (W_hn h + b_hn, or r * h");
        w.Line("// when the reset comes before the product); RecordOutput is the step's output.");
        Declare(w, layout.RecordOffsets);
        w.Line($"private const int RecordOutput = {layout.RecordOutputValue};");
        if (layout.Plan.BFloat16Snapshot)
        {
            w.Line("// Where layer k's W_ih and W_hh start in the bfloat16 snapshot's packed buffer, in 32-bit words.");
            Declare(w, layout.PackedOffsets);
        }
    }

    private static void Declare(SourceWriter w, System.Collections.Generic.IEnumerable<(string Name, int Value)> constants)
    {
        foreach ((string name, int value) in constants)
        {
            w.Line($"private const int {name} = {value.ToString(System.Globalization.CultureInfo.InvariantCulture)};");
        }
    }

    private static void WriteBuffers(SourceWriter w, ModelLayout layout, string self)
    {
        w.Line("/// <summary>All parameters, in the layout <see cref=\"Description\"/> gives.</summary>");
        w.Line("public float[] Parameters { get; } = global::GenRnn.AlignedArray.Create(ParameterCount);");
        w.Line();
        w.Line("/// <summary>The gradient of each parameter; Backward adds into it.</summary>");
        w.Line("public float[] Gradients { get; } = global::GenRnn.AlignedArray.Create(ParameterCount);");
        w.Line();
        w.Line("/// <summary>Sets every gradient to zero.</summary>");
        w.Line("public void ZeroGradients() => global::System.Array.Clear(Gradients);");
        w.Line();
        w.Line("/// <summary>Creates a reusable trace with room for <paramref name=\"capacity\"/> steps (it grows when needed).</summary>");
        w.Line($"public global::GenRnn.Trace CreateTrace(int capacity = 0) => new global::GenRnn.Trace(typeof({self}), TraceHeader, StepRecordSize, capacity, {layout.WorkspacePerStep});");
        w.Line();
        w.Line("/// <summary>Loads parameters from tensors in PyTorch's layout; every tensor must be given with its exact shape.</summary>");
        w.Line("public void ImportParameters(global::System.Collections.Generic.IEnumerable<global::GenRnn.NamedTensor> tensors, string prefix = \"\") => global::GenRnn.PyTorchLayout.Import(Description, tensors, Parameters, prefix);");
        w.Line();
        w.Line("/// <summary>The parameters as tensors in PyTorch's layout.</summary>");
        w.Line("public global::System.Collections.Generic.List<global::GenRnn.NamedTensor> ExportParameters(string prefix = \"\") => global::GenRnn.PyTorchLayout.Export(Description, Parameters, prefix);");
        w.Line();
        w.Line("/// <summary>The gradients as tensors in PyTorch's layout.</summary>");
        w.Line("public global::System.Collections.Generic.List<global::GenRnn.NamedTensor> ExportGradients(string prefix = \"\") => global::GenRnn.PyTorchLayout.Export(Description, Gradients, prefix);");
        w.Line();
    }

    private static void WriteState(SourceWriter w, ModelLayout layout)
    {
        w.Line("/// <summary>The recurrent state of every layer (h, and c for LSTMs), fixed size; default is zeros.</summary>");
        w.Line("[global::System.Runtime.CompilerServices.InlineArray(StateSize)]");
        w.Open("public struct State");
        w.Line("private float _element0;");
        w.Line();
        w.Line("/// <summary>The state as one span: per layer h, then c for LSTMs.</summary>");
        w.Line("[global::System.Diagnostics.CodeAnalysis.UnscopedRef]");
        w.Line($"public global::System.Span<float> AsSpan() => {MM}.CreateSpan(ref _element0, StateSize);");
        w.Line();
        w.Line("/// <summary>The hidden state h of a layer.</summary>");
        w.Line("[global::System.Diagnostics.CodeAnalysis.UnscopedRef]");
        w.Open("public global::System.Span<float> Hidden(int layer) => layer switch");
        foreach (LayerLayout l in layout.Layers)
        {
            w.Line($"{l.Index} => AsSpan().Slice({l.StateH}, {l.Model.HiddenSize}),");
        }

        w.Line("_ => throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"No such layer.\"),");
        w.Close(";");
        w.Line();
        w.Line("/// <summary>The cell state c of an LSTM layer.</summary>");
        w.Line("[global::System.Diagnostics.CodeAnalysis.UnscopedRef]");
        w.Open("public global::System.Span<float> Cell(int layer) => layer switch");
        foreach (LayerLayout l in layout.Layers.Where(l => l.Model.IsLstm))
        {
            w.Line($"{l.Index} => AsSpan().Slice({l.StateC}, {l.Model.HiddenSize}),");
        }

        w.Line("_ => throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"No LSTM layer with a cell state at this index.\"),");
        w.Close(";");
        w.Line();
        w.Line("/// <summary>Sets the state to zeros.</summary>");
        w.Line("public void Clear() => AsSpan().Clear();");
        w.Close();
        w.Line();
    }
}
