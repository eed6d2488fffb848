using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GenRnn.Generators.Tests;

/// <summary>
/// Every GRNN diagnostic from a minimal bad declaration: its id, severity, actionable message and the attribute it points
/// at; a valid model gets none; broken or incomplete code never makes the generator fail.
/// </summary>
public sealed class DiagnosticsTests
{
    private const string Header = "using GenRnn;\n\nnamespace Tests;\n\n";

    [Fact]
    public void GRNN001_ModelClassNotPartial()
    {
        (Diagnostic d, GeneratorRun run) = Single(
            """
            [RecurrentModel]
            [Rnn(3, 4)]
            public class Plain
            {
            }
            """,
            "GRNN001");

        AssertMessage(d, "The model class 'Plain' must be declared 'partial' so GenRnn can add its generated members");
        AssertAt(run, d, "RecurrentModel");
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("[Lstm(3, 0)]", "Lstm(3, 0)", "[Lstm] has hiddenSize = 0; it must be at least 1")]
    [InlineData("[Rnn(-2, 4)]", "Rnn(-2, 4)", "[Rnn] has inputSize = -2; it must be at least 1")]
    [InlineData("[Embedding(-1, 3)]\n[Rnn(3, 4)]", "Embedding(-1, 3)", "[Embedding] has vocabulary = -1; it must be at least 1")]
    [InlineData("[Rnn(3, 4)]\n[Dense(0)]", "Dense(0)", "[Dense] has outputSize = 0; it must be at least 1")]
    public void GRNN002_SizeNotPositive(string layers, string located, string message)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model(layers), "GRNN002");

        AssertMessage(d, message);
        AssertAt(run, d, located);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData(
        "[Lstm(3, 5)]\n[Gru(4, 6)]",
        "Gru(4, 6)",
        "[Gru] is declared with inputSize 4, but the layer before it ([Lstm] layer 0) gives 5 floats per step; use inputSize: 5")]
    [InlineData(
        "[Embedding(10, 8)]\n[Rnn(4, 6)]",
        "Rnn(4, 6)",
        "[Rnn] is declared with inputSize 4, but the layer before it ([Embedding]) gives 8 floats per step; use inputSize: 8")]
    [InlineData(
        "[Rnn(2, 3)]\n[Rnn(3, 7)]\n[Lstm(6, 2)]",
        "Lstm(6, 2)",
        "[Lstm] is declared with inputSize 6, but the layer before it ([Rnn] layer 1) gives 7 floats per step; use inputSize: 7")]
    public void GRNN003_InputSizeMismatch(string layers, string located, string message)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model(layers), "GRNN003");

        AssertMessage(d, message);
        AssertAt(run, d, located);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("[Rnn(3, 4)]\n[Embedding(5, 3)]", "Embedding(5, 3)")]
    [InlineData("[Embedding(5, 3)]\n[Embedding(6, 3)]\n[Rnn(3, 4)]", "Embedding(6, 3)")]
    [InlineData("[Rnn(3, 4)]\n[Dense(2)]\n[Embedding(7, 3)]", "Embedding(7, 3)")]
    public void GRNN004_EmbeddingNotFirst(string layers, string located)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model(layers), "GRNN004");

        AssertMessage(d, "[Embedding] must come first, before every recurrent layer, and a model may have only one; move or remove this one");
        AssertAt(run, d, located);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("[Dense(2)]\n[Rnn(3, 4)]", "Dense(2)")]
    [InlineData("[Rnn(3, 4)]\n[Dense(2)]\n[Dense(3)]", "Dense(3)")]
    [InlineData("[Rnn(3, 4)]\n[Dense(2)]\n[Rnn(4, 4)]\n[Gru(4, 4)]", "Dense(2)")] // once, at the head that is not last
    public void GRNN005_DenseNotLast(string layers, string located)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model(layers), "GRNN005");

        AssertMessage(d, "[Dense] must come last, after every recurrent layer, and a model may have only one; move or remove this one");
        AssertAt(run, d, located);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[Embedding(5, 3)]")]
    public void GRNN006_NoRecurrentLayer(string layers)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model(layers), "GRNN006");

        AssertMessage(d, "The model 'M' has no recurrent layer; add at least one [Rnn], [Lstm] or [Gru] attribute");
        AssertAt(run, d, "RecurrentModel");
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void GRNN007_NestedType()
    {
        (Diagnostic d, GeneratorRun run) = Single(
            """
            public partial class Outer
            {
                [RecurrentModel]
                [Rnn(3, 4)]
                public partial class Inner;
            }
            """,
            "GRNN007");

        AssertMessage(d, "The model class 'Inner' is nested inside 'Outer'; declare it directly in a namespace");
        AssertAt(run, d, "RecurrentModel");
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void GRNN008_GenericType()
    {
        (Diagnostic d, GeneratorRun run) = Single(
            """
            [RecurrentModel]
            [Rnn(3, 4)]
            public partial class Generic<T>;
            """,
            "GRNN008");

        AssertMessage(d, "The model class 'Generic' has type parameters; a model's sizes are fixed, declare it without type parameters");
        AssertAt(run, d, "RecurrentModel");
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void GRNN009_ConflictingOptions()
    {
        (Diagnostic d, GeneratorRun run) = Single(Model("[Lstm(3, 5, ForgetGate = false, CoupledGates = true)]"), "GRNN009");

        AssertMessage(d, "[Lstm] sets CoupledGates = true with ForgetGate = false; CoupledGates replaces the forget gate by 1 − i, " +
            "ForgetGate = false fixes it at 1: remove one of them");
        AssertAt(run, d, "Lstm(3, 5, ForgetGate = false, CoupledGates = true)");
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("InputGate = false, CoupledGates = true", "remove InputGate = false or CoupledGates = true")]
    [InlineData("InputGate = false, ForgetGate = false, OutputGate = false, Peepholes = true", "remove Peepholes = true or keep a gate")]
    public void LstmOptionsThatConflict_AreGRNN009WithTheFix(string options, string fix)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model($"[Lstm(3, 5, {options})]"), "GRNN009");

        Assert.EndsWith(fix, d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        AssertAt(run, d, $"Lstm(3, 5, {options})");
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("InputGate = false")]
    [InlineData("OutputGate = false, Peepholes = true")]
    [InlineData("ForgetGate = false, Peepholes = true")]
    [InlineData("CoupledGates = true, CellInputActivation = CellActivation.Identity")]
    [InlineData("InputGate = false, OutputGate = false, CellOutputActivation = CellActivation.Identity")]
    public void LstmOptionsCompose(string options)
    {
        GeneratorRun run = GeneratorHarness.Run(Header + Model($"[Lstm(3, 5, {options})]") + "\n");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Sources);
    }

    [Theory]
    [InlineData("public static partial class M\n{\n}", "static")]
    [InlineData("public abstract partial class M;", "abstract")]
    [InlineData("public partial record M;", "a record")]
    [InlineData("public partial struct M;", "a struct")] // the compiler also reports CS0592
    public void GRNN010_UnsupportedTypeKind(string declaration, string kind)
    {
        (Diagnostic d, GeneratorRun run) = Single("[RecurrentModel]\n[Rnn(3, 4)]\n" + declaration, "GRNN010");

        AssertMessage(d, $"'M' is {kind}; [RecurrentModel] needs a non-static, non-abstract class");
        AssertAt(run, d, "RecurrentModel");
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void GRNN011_NoParameterlessConstructor()
    {
        (Diagnostic d, GeneratorRun run) = Single(
            """
            [RecurrentModel]
            [Rnn(3, 4)]
            public partial class Seeded
            {
                public Seeded(int seed) => Seed = seed;

                public int Seed { get; }
            }
            """,
            "GRNN011");

        AssertMessage(d, "The model class 'Seeded' declares constructors but none without parameters; add a public parameterless constructor (the trainer creates models through it)");
        AssertAt(run, d, "RecurrentModel");
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void GRNN012_LayersOnSeveralDeclarations()
    {
        // Two files: the order of the layers would depend on the order of the files.
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), GeneratorHarness.CreateCompilation(new[]
        {
            ("Split.cs", Header + "[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class Split;\n"),
            ("Split.Layers.cs", Header + "[Rnn(4, 4)]\npublic partial class Split;\n"),
        }));
        Diagnostic d = SingleOf(run, "GRNN012");

        AssertMessage(d, "The layers of 'Split' are spread over several partial declarations, so their order is ambiguous; declare all layer attributes on one declaration");
        AssertAt(run, d, "RecurrentModel");
        Assert.Equal("Split.cs", d.Location.GetLineSpan().Path);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void GRNN013_SoftmaxOfOne_IsAWarningAndTheModelIsStillGenerated()
    {
        (Diagnostic d, GeneratorRun run) = Single(Model("[Rnn(3, 4)]\n[Dense(1, Activation = Activation.Softmax)]"), "GRNN013", DiagnosticSeverity.Warning);

        AssertMessage(d, "[Dense] with Activation.Softmax and outputSize 1 always outputs 1 and learns nothing; use Activation.Sigmoid for a single probability");
        AssertAt(run, d, "Dense(1, Activation = Activation.Softmax)");
        Assert.Contains("public const int OutputSize = 1;", run.SingleSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Rnn(3, 4096)]", "Rnn(3, 4096)", "[Rnn] has hiddenSize = 4096, above the largest supported value 2048")]
    [InlineData("[Gru(65537, 4)]", "Gru(65537, 4)", "[Gru] has inputSize = 65537, above the largest supported value 65536")]
    [InlineData("[Embedding(16777217, 3)]\n[Rnn(3, 4)]", "Embedding(16777217, 3)", "[Embedding] has vocabulary = 16777217, above the largest supported value 16777216")]
    [InlineData("[Rnn(3, 4)]\n[Dense(1048577)]", "Dense(1048577)", "[Dense] has outputSize = 1048577, above the largest supported value 1048576")]
    // Each size within its limit, the parameter count over int: 65536 * 65536 + 1 * (65536 + 1 + 2).
    [InlineData("[Embedding(65536, 65536)]\n[Rnn(65536, 1)]", "RecurrentModel", "[RecurrentModel] has ParameterCount = 4295032835, above the largest supported value 2147483591")]
    // 1048576 * (2048 + 1) + 2048 * (1 + 2048 + 2).
    [InlineData("[Rnn(1, 2048)]\n[Dense(1048576)]", "RecurrentModel", "[RecurrentModel] has ParameterCount = 2152732672, above the largest supported value 2147483591")]
    // Six LSTM layers of 2048 record the input (one cache line, 16 floats) and 6 * (4 * 2048 + 2048 + 2048) floats per step.
    [InlineData("[Lstm(1, 2048)]\n[Lstm(2048, 2048)]\n[Lstm(2048, 2048)]\n[Lstm(2048, 2048)]\n[Lstm(2048, 2048)]\n[Lstm(2048, 2048)]", "RecurrentModel", "[RecurrentModel] has floats recorded per step (all layers' gates and states) = 73744, above the largest supported value 65536")]
    public void GRNN014_TooLarge(string layers, string located, string message)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model(layers), "GRNN014");

        AssertMessage(d, message);
        AssertAt(run, d, located);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void StepRecordLimit_IsCheckedAgainstTheRecordTheEmitterLaysOut()
    {
        // Every section of a step record starts on a cache line. Five LSTM layers of 2048 and a head of 4081 record
        // 16 (the input) + 5 * 12288 + 4096 = 65552 floats, though the input, gates, states and outputs are only
        // 1 + 5 * 12288 + 4081 = 65522 (the sum GRNN014 was once checked against, which let this model through).
        const string Stack = "[Lstm(1, 2048)]\n[Lstm(2048, 2048)]\n[Lstm(2048, 2048)]\n[Lstm(2048, 2048)]\n[Lstm(2048, 2048)]\n";
        (Diagnostic d, GeneratorRun run) = Single(Model(Stack + "[Dense(4081)]"), "GRNN014");

        AssertMessage(d, "[RecurrentModel] has floats recorded per step (all layers' gates and states) = 65552, above the largest supported value 65536");
        Assert.Empty(run.Sources);

        // A head of 4064 records 65520 floats: within the limit, generated, and its stack record is exactly that size.
        GeneratorRun fits = GeneratorHarness.Run(Header + Model(Stack + "[Dense(4064)]") + "\n");
        Assert.Empty(fits.GeneratorDiagnostics);
        Assert.Contains("private const int StepRecordSize = 65520;", fits.SingleSource, StringComparison.Ordinal);
    }

    [Fact]
    public void GRNN015_LayerWithoutModel()
    {
        (Diagnostic d, GeneratorRun run) = Single("[Rnn(3, 4)]\n[Rnn(4, 5)]\npublic partial class Orphan;", "GRNN015");

        AssertMessage(d, "'Orphan' has layer attributes but no [RecurrentModel]; add [RecurrentModel] so GenRnn generates the model");
        AssertAt(run, d, "Rnn(3, 4)");
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("(Activation)42", "42")]
    [InlineData("(Activation)(-1)", "-1")]
    public void GRNN016_UnknownActivation(string activation, string value)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model($"[Rnn(3, 4)]\n[Dense(2, Activation = {activation})]"), "GRNN016");

        AssertMessage(d, $"[Dense] has Activation = {value}, which is not an Activation member; use Activation.Identity, Activation.Tanh, Activation.Sigmoid or Activation.Softmax");
        AssertAt(run, d, $"Dense(2, Activation = {activation})");
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("CellInputActivation = (CellActivation)2", "CellInputActivation", "2")]
    [InlineData("CellOutputActivation = (CellActivation)(-1)", "CellOutputActivation", "-1")]
    public void GRNN020_UnknownCellActivation(string option, string name, string value)
    {
        (Diagnostic d, GeneratorRun run) = Single(Model($"[Lstm(3, 4, {option})]"), "GRNN020");

        AssertMessage(d, $"[Lstm] has {name} = {value}, which is not a CellActivation member; use CellActivation.Tanh or CellActivation.Identity");
        AssertAt(run, d, $"Lstm(3, 4, {option})");
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("VectorWidth = 128", "[RecurrentModel] has VectorWidth = 128; use 512 (Vector512 where available), 256 (at most Vector256) or 32 (scalar)")]
    [InlineData("RegisterBlocks = 9", "[RecurrentModel] has RegisterBlocks = 9; use 1 to 8 accumulators")]
    [InlineData("Cores = 3", "[RecurrentModel] has Cores = 3; use 1 (the calling thread only) or 2 (half of each step on a second core)")]
    public void GRNN017_InvalidTuning(string option, string message)
    {
        (Diagnostic d, GeneratorRun run) = Single($"[RecurrentModel({option})]\n[Rnn(3, 4)]\npublic partial class M;", "GRNN017");

        AssertMessage(d, message);
        AssertAt(run, d, $"RecurrentModel({option})");
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("[Rnn(3, 64)]")]
    [InlineData("[Lstm(3, 16)]\n[Gru(16, 50, ResetAfter = false)]")]
    public void GRNN018_NothingToSplit_IsAWarningAndTheModelIsStillGenerated(string layers)
    {
        (Diagnostic d, GeneratorRun run) = Single($"[RecurrentModel(Cores = 2)]\n{layers}\npublic partial class M;", "GRNN018", DiagnosticSeverity.Warning);

        AssertMessage(d, "[RecurrentModel] has Cores = 2, but no layer of 'M' can be split between two cores (a layer needs 128 gate rows or more and must not be a reset-before GRU), so every step runs on one core; remove Cores = 2");
        AssertAt(run, d, "RecurrentModel(Cores = 2)");
        Assert.DoesNotContain("ISplitStep", run.SingleSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public void Step(System.ReadOnlySpan<float> input, System.Span<float> state, System.Span<float> output) { }", "Step", "a public member")]
    [InlineData("public int InputSize;", "InputSize", "a public member")]
    [InlineData("public float[] Parameters { get; } = new float[1];", "Parameters", "a public member")]
    [InlineData("public struct State { }", "State", "a public member")]
    [InlineData("public static M Create() => new M();", "Create", "a public member")]
    [InlineData("public event System.Action? Forward;", "Forward", "a public member")]
    [InlineData("private static void Layer0Forward() { }", "Layer0Forward", "a private helper")]
    [InlineData("private const int L0WeightIh = 1;", "L0WeightIh", "a private helper")]
    [InlineData("private void Copy_3() { }", "Copy_3", "a private helper")]
    [InlineData("private int TraceHeader;", "TraceHeader", "a private helper")]
    public void GRNN019_MemberNameClash(string member, string name, string what)
    {
        (Diagnostic d, GeneratorRun run) = Single($"[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class M\n{{\n    {member}\n}}", "GRNN019");

        AssertMessage(d, $"'{name}' in the model class 'M' has the name of {what} that GenRnn generates, so the generated code would not compile; rename it");
        AssertAt(run, d, name);
        Assert.Empty(run.Sources);
        Assert.DoesNotContain(run.OutputDiagnostics, x => x.Id is "CS0102" or "CS0111");
    }

    [Fact]
    public void MemberNameClash_IsReportedAtEveryClashingMemberOfEveryPartialDeclaration()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), GeneratorHarness.CreateCompilation(new[]
        {
            ("M.cs", Header + "[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class M\n{\n    public int StateSize => 1;\n}\n"),
            ("M.More.cs", Header + "public partial class M\n{\n    public void Forward(int x) { }\n    public void Forward(long x) { }\n    public int Steps;\n}\n"),
        }));

        AssertNoGeneratorFailure(run);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("GRNN019", d.Id));
        Assert.Equal(
            new[] { "M.More.cs:Forward", "M.More.cs:Forward", "M.cs:StateSize" },
            run.GeneratorDiagnostics.Select(d => $"{d.Location.GetLineSpan().Path}:{TextAt(run, d)}").Order(StringComparer.Ordinal));
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void SplittableLayerNeedsNoWarning()
    {
        GeneratorRun run = GeneratorHarness.Run("using GenRnn;\n[RecurrentModel(Cores = 2)]\n[Lstm(3, 32)]\npublic partial class M;");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("global::GenRnn.ISplitStep", run.SingleSource, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDescriptorHasATest()
    {
        // The ids the generator declares, read from its descriptors, against the tests above.
        Type descriptors = typeof(Pipeline.RecurrentModelGenerator).Assembly.GetType("GenRnn.Generators.Diagnostics.DiagnosticDescriptors", throwOnError: true)!;
        IEnumerable<string> declared = descriptors
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .Order(StringComparer.Ordinal);
        IEnumerable<string> tested = typeof(DiagnosticsTests).GetMethods()
            .Where(m => m.Name.StartsWith("GRNN", StringComparison.Ordinal))
            .Select(m => m.Name[..7])
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, tested);
    }

    [Fact]
    public void ValidModel_HasNoDiagnostics()
    {
        GeneratorRun run = GeneratorHarness.Run(Header +
            """
            /// <summary>A valid model.</summary>
            [RecurrentModel]
            [Embedding(vocabulary: 11, dimensions: 4)]
            [Lstm(4, 6, Peepholes = true)]
            [Gru(inputSize: 6, hiddenSize: 5, ResetAfter = false)]
            [Dense(outputSize: 11, Activation = Activation.Softmax)]
            public sealed partial class Valid
            {
                /// <summary>A member of the user's half.</summary>
                public int Seed { get; set; }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Sources);
        Assert.True(
            run.OutputDiagnostics.All(d => d.Severity < DiagnosticSeverity.Warning),
            GeneratorHarness.Format(run.OutputDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
    }

    [Theory]
    [InlineData("[RecurrentModel]\n[Lstm(3)]\npublic partial class M;")] // missing argument
    [InlineData("[RecurrentModel]\n[Lstm(3, Size)]\npublic partial class M\n{\n    private static int Size = 4;\n}")] // not a constant
    [InlineData("[RecurrentModel]\n[Lstm(3, \"4\")]\npublic partial class M;")] // wrong type
    [InlineData("[RecurrentModel]\n[Lstm(3, 4, Peepholes = Flag)]\npublic partial class M\n{\n    private static bool Flag = true;\n}")] // named argument not a constant
    [InlineData("[RecurrentModel]\n[Lstm(3, 4, Undefined = true)]\npublic partial class M;")] // unknown named argument
    [InlineData("[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class M\n{\n    void F(\n}")] // syntax error in the body
    [InlineData("[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class M\n{\n    Undefined field;\n}")] // binding error in the body
    [InlineData("[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class M : MissingBase;")] // unknown base type
    [InlineData("[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class\n{\n}")] // no class name
    [InlineData("[RecurrentModel]\n[Rnn(3, 4]\npublic partial class M;")] // unclosed attribute
    [InlineData("[RecurrentModel]\n[Rnn(3, ")] // file ends inside an attribute
    [InlineData("[RecurrentModel]\n[Rnn(3, 4)]")] // attributes on nothing
    [InlineData("[RecurrentModel]\n[Lstmm(3, 4)]\npublic partial class M;")] // unknown attribute
    [InlineData("[RecurrentModel(5)]\n[Rnn(3, 4)]\npublic partial class M;")] // no such constructor
    [InlineData("[RecurrentModel]\n[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class M;")] // repeated on one declaration
    [InlineData("[RecurrentModel]\n[Rnn(3, 4)]\npublic partial class M;\n\n[RecurrentModel]\npublic partial class M;")] // repeated on two declarations
    [InlineData("[RecurrentModel]\n[Rnn(3, 4)]\npublic partial interface M;")] // not a class
    public void BrokenCode_DoesNotFailTheGenerator(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run(Header + declaration + "\n");

        AssertNoGeneratorFailure(run);
        Assert.Contains(run.OutputDiagnostics, d => d.Severity == DiagnosticSeverity.Error); // the compiler reports the user's error...
        Assert.True(run.Sources.Count <= 1, string.Join(", ", run.Sources.Keys));
        IEnumerable<Diagnostic> inGenerated = run.OutputDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && IsGenerated(run, d));
        Assert.True(!inGenerated.Any(), GeneratorHarness.Format(inGenerated)); // ...and the generated code adds nothing to it
    }

    private static string Model(string layers) =>
        "[RecurrentModel]\n" + (layers.Length == 0 ? "" : layers + "\n") + "public partial class M;";

    /// <summary>Runs the generator over <paramref name="declaration"/> and returns its only diagnostic, which must have <paramref name="id"/>.</summary>
    private static (Diagnostic Diagnostic, GeneratorRun Run) Single(string declaration, string id, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        GeneratorRun run = GeneratorHarness.Run(Header + declaration + "\n");
        Diagnostic d = SingleOf(run, id);
        Assert.Equal(severity, d.Severity);
        Assert.Equal(severity, d.Descriptor.DefaultSeverity);
        Assert.Equal("GenRnn", d.Descriptor.Category);
        return (d, run);
    }

    private static Diagnostic SingleOf(GeneratorRun run, string id)
    {
        AssertNoGeneratorFailure(run);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, d.Id);
        return d;
    }

    private static void AssertNoGeneratorFailure(GeneratorRun run)
    {
        // CS8784 / CS8785: the generator threw during initialization / generation.
        IEnumerable<Diagnostic> failures = run.GeneratorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785" || !d.Id.StartsWith("GRNN", StringComparison.Ordinal));
        Assert.True(!failures.Any(), GeneratorHarness.Format(failures));
    }

    private static void AssertMessage(Diagnostic d, string expected) =>
        Assert.Equal(expected, d.GetMessage(CultureInfo.InvariantCulture));

    /// <summary>
    /// The diagnostic points exactly at <paramref name="located"/> (an attribute, without its brackets), which occurs once
    /// in its file, and its line span agrees with the file's text.
    /// </summary>
    private static void AssertAt(GeneratorRun run, Diagnostic d, string located)
    {
        FileLinePositionSpan lines = d.Location.GetLineSpan();
        SyntaxTree tree = Assert.Single(run.OutputCompilation.SyntaxTrees, t => t.FilePath == lines.Path);
        SourceText text = tree.GetText();
        string source = text.ToString();
        int start = source.IndexOf(located, StringComparison.Ordinal);
        Assert.True(start >= 0 && source.IndexOf(located, start + 1, StringComparison.Ordinal) < 0, $"'{located}' must occur once in the test source.");

        Assert.Equal(located, text.ToString(d.Location.SourceSpan));
        Assert.Equal(new TextSpan(start, located.Length), d.Location.SourceSpan);
        Assert.Equal(text.Lines.GetLinePositionSpan(d.Location.SourceSpan), lines.Span);
    }

    private static string TextAt(GeneratorRun run, Diagnostic d) =>
        run.OutputCompilation.SyntaxTrees.Single(t => t.FilePath == d.Location.GetLineSpan().Path).GetText().ToString(d.Location.SourceSpan);

    private static bool IsGenerated(GeneratorRun run, Diagnostic d) =>
        d.Location.SourceTree is { } tree && run.Result.GeneratedTrees.Contains(tree);
}
