using System.Collections.Generic;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// The member names the emitter declares in a model class, public and private, so the parser can report a user member
/// that would clash with one of them (GRNN019) instead of letting the compiler fail inside the generated file. A test
/// (GeneratedNamesTests) checks every member of generated models of every kind and option against this list.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>The public surface (IRecurrentModel and the generated extras).</summary>
    private static readonly HashSet<string> Public = new()
    {
        "InputSize", "OutputSize", "HiddenSize", "LayerCount", "StateSize", "ParameterCount", "VocabularySize",
        "Description", "Create", "Parameters", "Gradients", "ZeroGradients", "State", "Step", "StepStreams", "Forward",
        "CreateTrace", "Backward", "BackwardFromLogits", "ImportParameters", "ExportParameters", "ExportGradients",
        "ToBFloat16", "BFloat16Model",
    };

    /// <summary>Private helpers with fixed names.</summary>
    private static readonly HashSet<string> Private = new()
    {
        "StepRecordSize", "TraceHeader", "RecordOutput", "EmbeddingWeight", "HeadWeight", "HeadBias", "HeadForward",
        "HeadBackward", "ForwardStep", "ForwardStepBFloat16", "ForwardStepSplit", "ForwardGroup", "ForwardChunk",
        "LoadToken", "BackwardCore", "SplitState", "SplitHidden", "NextSweep", "PackedWords", "_split", "_splitBusy",
        "_sweep", "_packed", "_parameters",
    };

    /// <summary>Whether GenRnn declares (or may declare, for some layer or kernel) a member named <paramref name="name"/> in a model class.</summary>
    public static bool IsReserved(string name) => Public.Contains(name) || Private.Contains(name) || IsPatterned(name);

    /// <summary>Whether <paramref name="name"/> is one of the public members (the rest are private helpers).</summary>
    public static bool IsPublic(string name) => Public.Contains(name);

    /// <summary>
    /// Names made from a layer's index (Layer0Forward, L1WeightIh) or a kernel's sizes (Gemv_4x16s16, Copy_3): "Layer"
    /// or "L", digits, then a capital letter; or a capitalised word, '_' and a digit.
    /// </summary>
    private static bool IsPatterned(string name)
    {
        foreach (string prefix in new[] { "Layer", "L" })
        {
            if (name.Length > prefix.Length + 1 && name.StartsWith(prefix, System.StringComparison.Ordinal) && char.IsDigit(name[prefix.Length]))
            {
                int i = prefix.Length;
                while (i < name.Length && char.IsDigit(name[i]))
                {
                    i++;
                }

                if (i < name.Length && char.IsUpper(name[i]))
                {
                    return true;
                }
            }
        }

        int underscore = name.IndexOf('_');
        return underscore > 0 && char.IsUpper(name[0]) && underscore + 1 < name.Length && char.IsDigit(name[underscore + 1]);
    }
}
