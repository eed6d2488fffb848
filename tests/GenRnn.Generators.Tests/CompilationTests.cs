using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace GenRnn.Generators.Tests;

/// <summary>
/// The generated code of a range of models (every cell, stacks, embeddings, every head activation, sizes that are not
/// multiples of the vector widths, awkward names) compiles and emits without a single warning, with nullable enabled,
/// warnings as errors and every warning wave, with and without unsafe code allowed.
/// </summary>
public sealed class CompilationTests
{
    /// <summary>Name, then the source of one file declaring it (in namespace Compile unless the source says otherwise).</summary>
    private static readonly (string Name, string HintName, string Source)[] Cases =
    {
        Case("Rnn1x1", "[Rnn(1, 1)]"),
        Case("Rnn3x17", "[Rnn(3, 17)]"),
        Case("Rnn33x33", "[Rnn(33, 33)]"),
        Case("Lstm1x4Dense1", "[Lstm(1, 4)]\n[Dense(1)]"),
        Case("Lstm17x33", "[Lstm(17, 33)]"),
        Case("Lstm1997x3x17", "[Lstm(3, 17, ForgetGate = false)]"),
        Case("PeepholeLstm33x3", "[Lstm(33, 3, Peepholes = true)]"),
        Case("GatelessLstm5x130", "[Lstm(5, 130, InputGate = false, ForgetGate = false, OutputGate = false)]"),
        Case("LstmOptions5x70", "[Lstm(5, 70, CoupledGates = true, Peepholes = true, CellInputActivation = CellActivation.Identity)]\n[Lstm(70, 9, InputGate = false, OutputGate = false, Peepholes = true, CellOutputActivation = CellActivation.Identity)]\n[Dense(2)]"),
        Case("Gru1x1", "[Gru(1, 1)]"),
        Case("Gru17x33", "[Gru(17, 33)]"),
        Case("GruCho2x3", "[Gru(2, 3, ResetAfter = false)]"),
        Case("GruCho33x17", "[Gru(33, 17, ResetAfter = false)]"),
        Case("MixedStack", "[Rnn(3, 5)]\n[Lstm(5, 17)]\n[Gru(17, 33, ResetAfter = false)]\n[Dense(3, Activation = Activation.Tanh)]"),
        Case("VectorStack", "[Gru(16, 16)]\n[Lstm(16, 8, Peepholes = true)]\n[Lstm(8, 32, ForgetGate = false)]\n[Rnn(32, 64)]\n[Dense(16, Activation = Activation.Sigmoid)]"),
        Case("EmbeddingRnnLm", "[Embedding(5, 3)]\n[Rnn(3, 4)]\n[Dense(5, Activation = Activation.Softmax)]"),
        Case("EmbeddingTiny", "[Embedding(1, 1)]\n[Gru(1, 1)]\n[Dense(2, Activation = Activation.Softmax)]"),
        Case("EmbeddingNoHead", "[Embedding(100, 17)]\n[Lstm(17, 33, Peepholes = true)]\n[Lstm(33, 33, ForgetGate = false)]"),
        Case("IdentityHead", "[Rnn(4, 17)]\n[Dense(33, Activation = Activation.Identity)]"),
        Case("TanhHead", "[Lstm(3, 33)]\n[Dense(1, Activation = Activation.Tanh)]"),
        Case("SigmoidHead", "[Gru(5, 3)]\n[Dense(17, Activation = Activation.Sigmoid)]"),
        Case("SoftmaxHead", "[Rnn(17, 1)]\n[Dense(33, Activation = Activation.Softmax)]"),
        // The bfloat16 inference snapshot, in every tuning: packed layers, a reset-before GRU with float weights, a head.
        ("BFloat16Stack", "Compile.BFloat16Stack.g.cs", "using GenRnn;\n\nnamespace Compile;\n\n[RecurrentModel(BFloat16Inference = true)]\n[Embedding(9, 5)]\n[Lstm(5, 70, Peepholes = true)]\n[Gru(70, 3, ResetAfter = false)]\n[Gru(3, 17)]\n[Dense(4, Activation = Activation.Softmax)]\ninternal partial class BFloat16Stack;\n"),
        ("BFloat16Vector256", "Compile.BFloat16Vector256.g.cs", "using GenRnn;\n\nnamespace Compile;\n\n[RecurrentModel(BFloat16Inference = true, VectorWidth = 256)]\n[Rnn(1, 130)]\ninternal partial class BFloat16Vector256;\n"),
        ("BFloat16Scalar", "Compile.BFloat16Scalar.g.cs", "using GenRnn;\n\nnamespace Compile;\n\n[RecurrentModel(BFloat16Inference = true, VectorWidth = 32)]\n[Lstm(3, 5, ForgetGate = false)]\ninternal partial class BFloat16Scalar;\n"),
        ("GlobalNamespace", "GlobalNamespace.g.cs", "using GenRnn;\n\n[RecurrentModel]\n[Rnn(2, 3)]\ninternal partial class GlobalNamespace;\n"),
        // Keywords as names: the generated code needs '@', the hint name must not have it.
        ("class", "event.Models.class.g.cs", "using GenRnn;\n\nnamespace @event.Models;\n\n#pragma warning disable CS8981 // lower-case type name\n[RecurrentModel]\n[Gru(2, 3)]\ninternal partial class @class;\n"),
        // Types that shadow what generated code uses, unless it qualifies everything with global::.
        ("Shadowed", "Shadowing.Shadowed.g.cs", """
            using GenRnn;

            namespace Shadowing;

            internal static class System;
            internal static class Unsafe;
            internal static class MemoryMarshal;
            internal static class Activations;
            internal static class Trace;
            internal static class Span;

            [RecurrentModel]
            [Lstm(2, 9)]
            [Dense(3, Activation = Activation.Softmax)]
            internal partial class Shadowed;
            """),
        // A step split across two cores: split LSTM and GRU layers and one that is not (reset-before GRU).
        ("TwoCores", "Compile.TwoCores.g.cs", """
            using GenRnn;

            namespace Compile;

            [RecurrentModel(Cores = 2)]
            [Lstm(3, 40)]
            [Gru(40, 50, ResetAfter = false)]
            [Gru(50, 45)]
            [Dense(2)]
            internal sealed partial class TwoCores;
            """),
        // A public, documented model with members of its own and an explicit constructor.
        ("Documented", "Compile.Documented.g.cs", """
            using GenRnn;

            namespace Compile;

            /// <summary>A model with a user half.</summary>
            [RecurrentModel]
            [Embedding(vocabulary: 7, dimensions: 2)]
            [Gru(inputSize: 2, hiddenSize: 3, ResetAfter = false)]
            [Dense(outputSize: 7, Activation = Activation.Softmax)]
            public sealed partial class Documented
            {
                /// <summary>Creates the model.</summary>
                public Documented()
                {
                }

                /// <summary>A member of the user's half.</summary>
                public string Label { get; set; } = "";
            }
            """),
    };

    private static readonly Lazy<Output> WithUnsafe = new(() => Compile(allowUnsafe: true));
    private static readonly Lazy<Output> WithoutUnsafe = new(() => Compile(allowUnsafe: false));

    public static TheoryData<string, bool> Models
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach ((string name, string _, string _) in Cases)
            {
                data.Add(name, true);
                data.Add(name, false);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void GeneratedCode_CompilesWithoutWarnings(string name, bool allowUnsafe)
    {
        Output output = allowUnsafe ? WithUnsafe.Value : WithoutUnsafe.Value;
        string hintName = Cases.Single(c => c.Name == name).HintName;

        Assert.Empty(output.Run.GeneratorDiagnostics);
        Assert.True(output.Run.Sources.ContainsKey(hintName), $"No {hintName} among {string.Join(", ", output.Run.Sources.Keys)}");
        SyntaxTree tree = output.Run.Result.GeneratedTrees.Single(t => t.FilePath.EndsWith(hintName, StringComparison.Ordinal));
        IEnumerable<Diagnostic> mine = output.Diagnostics.Where(d => d.Location.SourceTree == tree);
        Assert.True(!mine.Any(), GeneratorHarness.Format(mine));

        // [SkipLocalsInit] needs unsafe code; it is left out otherwise.
        Assert.Equal(allowUnsafe, output.Run.Sources[hintName].Contains("[global::System.Runtime.CompilerServices.SkipLocalsInit]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Everything_EmitsWithoutDiagnostics(bool allowUnsafe)
    {
        Output output = allowUnsafe ? WithUnsafe.Value : WithoutUnsafe.Value;

        Assert.Equal(Cases.Length, output.Run.Sources.Count);
        Assert.True(output.Success, GeneratorHarness.Format(output.Diagnostics));
        Assert.True(output.Diagnostics.IsEmpty, GeneratorHarness.Format(output.Diagnostics));
    }

    private static (string Name, string HintName, string Source) Case(string name, string layers) =>
        (name, $"Compile.{name}.g.cs", $"using GenRnn;\n\nnamespace Compile;\n\n[RecurrentModel]\n{layers}\ninternal partial class {name};\n");

    /// <summary>
    /// All cases in one compilation (binding is the cost; one compilation binds them concurrently), with warnings as
    /// errors, emitted so that emit-time errors count too. Diagnostics are the emit's that are warnings or worse.
    /// </summary>
    private static Output Compile(bool allowUnsafe)
    {
        GeneratorRun run = GeneratorHarness.Run(
            GeneratorHarness.CreateDriver(),
            GeneratorHarness.CreateCompilation(Cases.Select(c => (c.Name + ".cs", c.Source)), allowUnsafe, warningsAsErrors: true));
        using var stream = new MemoryStream();
        EmitResult emit = run.OutputCompilation.Emit(stream);
        return new Output(run, emit.Success, emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError).ToImmutableArray());
    }

    private sealed record Output(GeneratorRun Run, bool Success, ImmutableArray<Diagnostic> Diagnostics);
}
