using System.Collections.Generic;
using System.Linq;
using GenRnn.Generators.Model;

namespace GenRnn.Generators.Emitting;

/// <summary>ModelEmitter, the public API surface: the header line, constants, Description, parameter buffers, State and the argument checks.</summary>
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
        w.Line($"private const int RecordOutput = {layout.RecordOutput};");
        w.Line();
        foreach (string name in new[] { "InputSize", "OutputSize", "HiddenSize", "LayerCount", "StateSize", "ParameterCount", "VocabularySize" })
        {
            w.Line($"static int global::GenRnn.IRecurrentModel<{self}>.{name} => {name};");
        }

        w.Line();
        w.Line("/// <summary>The layers and every parameter tensor with its PyTorch name, shape and offset.</summary>");
        string layers = string.Join(", ", m.Layers.Select(l => $"new global::GenRnn.LayerSpec(global::GenRnn.CellKind.{l.Cell}, {l.InputSize}, {l.HiddenSize})"));
        w.Line($"public static global::GenRnn.ModelDescription Description {{ get; }} = global::GenRnn.ModelDescription.Create(\"{m.FullName}\", {m.Vocabulary}, {m.EmbeddingDimensions}, new global::GenRnn.LayerSpec[] {{ {layers} }}, {m.HeadOutputs}, global::GenRnn.Activation.{m.HeadActivation});");
        w.Line();
        w.Line("/// <summary>Creates a model with zero parameters.</summary>");
        w.Line($"public static {self} Create() => new {self}();");
        w.Line();
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

    private static void WriteChecks(SourceWriter w, ModelLayout layout)
    {
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        w.Open("private static void CheckLength(int actual, int expected, string name)");
        w.Line("if (actual != expected) ThrowLength(actual, expected, name);");
        w.Close();
        w.Line();
        w.Line("// Kept out of line so the checks on the hot path stay small.");
        w.Line("[global::System.Diagnostics.CodeAnalysis.DoesNotReturn]");
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
        w.Open("private static void ThrowLength(int actual, int expected, string name)");
        w.Line($"throw new {Names.ArgumentException}($\"Expected {{expected}} floats, got {{actual}}.\", name);");
        w.Close();
        w.Line();
        w.Open("private static int CheckSequence(int inputs, int state, int outputs)");
        w.Line($"if (inputs == 0 || inputs % InputSize != 0) throw new {Names.ArgumentException}($\"Expected a non-empty multiple of InputSize ({{InputSize}}) floats, got {{inputs}}.\", nameof(inputs));");
        w.Line("int steps = inputs / InputSize;");
        w.Line("CheckLength(state, StateSize, nameof(state));");
        w.Line("CheckLength(outputs, steps * OutputSize, nameof(outputs));");
        w.Line("return steps;");
        w.Close();
        w.Line();
        w.Open("private static void CheckToken(int token, string name)");
        w.Line($"if ((uint)token >= VocabularySize) throw new global::System.ArgumentOutOfRangeException(name, token, $\"Token ids must be in [0, {{VocabularySize}}).\");");
        w.Close();
        w.Line();
        w.Open("private static void CheckTokens(global::System.ReadOnlySpan<int> tokens, int state, int outputs)");
        w.Line($"if (tokens.IsEmpty) throw new {Names.ArgumentException}(\"Expected at least one token.\", nameof(tokens));");
        w.Open("for (int t = 0; t < tokens.Length; t++)");
        w.Line($"if ((uint)tokens[t] >= VocabularySize) throw new global::System.ArgumentOutOfRangeException(nameof(tokens), tokens[t], $\"Token at position {{t}} is outside [0, {{VocabularySize}}).\");");
        w.Close();
        w.Line("CheckLength(state, StateSize, nameof(state));");
        w.Line("CheckLength(outputs, tokens.Length * OutputSize, nameof(outputs));");
        w.Close();
        w.Line();
        w.Open($"private static void CheckTrace({Names.Trace} trace)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(trace);");
        w.Line($"if (trace.Model != typeof({Names.Identifier(layout.Model.TypeName)}) || trace.HeaderFloats != TraceHeader || trace.FloatsPerStep != StepRecordSize) throw new {Names.ArgumentException}($\"The trace was created for {{trace.Model.Name}}; create one with this model's CreateTrace.\", nameof(trace));");
        w.Close();
        w.Line();
    }
}
