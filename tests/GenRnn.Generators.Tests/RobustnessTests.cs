using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace GenRnn.Generators.Tests;

/// <summary>
/// Seeded random declarations, valid and invalid, through the generator: it never throws; every declaration meant to be
/// invalid gets a GRNN error (or, for broken code, a compiler error) and no generated source; every valid one is
/// generated, compiles without errors and steps as the float64 reference of its description does; a mutated one either generates code that compiles or is reported.
/// </summary>
public sealed class RobustnessTests(ITestOutputHelper output)
{
    private const int Seed = 20261207;
    private const int ValidCount = 80;
    private const int InvalidCount = 100;
    private const int MutatedCount = 60;
    private const int Batch = 20;

    private static readonly string[] Heads = ["Identity", "Tanh", "Sigmoid", "Softmax"];

    /// <summary>A declaration of the model class <c>M{index}</c> in its own namespace, and what is expected of it.</summary>
    private sealed record Case(int Index, string Source, string Expected, string Why);

    [Fact]
    public void RandomValidDeclarations_AreGeneratedCompileAndRun()
    {
        var random = new Random(Seed);
        List<Case> cases = Enumerable.Range(0, ValidCount).Select(i => new Case(i, File(i, ValidModel(random, i)), "valid", "valid")).ToList();
        var watch = Stopwatch.StartNew();
        int ran = 0;
        foreach (Case[] batch in cases.Chunk(Batch))
        {
            GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), GeneratorHarness.CreateCompilation(batch.Select(c => ($"M{c.Index}.cs", c.Source))));
            AssertNoGeneratorFailure(run);
            IEnumerable<Diagnostic> errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
            Assert.True(!errors.Any(), GeneratorHarness.Format(errors) + "\n" + string.Join("\n", batch.Select(c => c.Source)));
            Assert.Equal(batch.Length, run.Sources.Count);
            IEnumerable<Diagnostic> compileErrors = run.OutputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);
            Assert.True(!compileErrors.Any(), GeneratorHarness.Format(compileErrors.Take(20)));
            ran += GeneratedModelRunner.RunAll(run.OutputCompilation, batch.Select(c => $"Random{c.Index}.M{c.Index}"));
        }

        Assert.Equal(ValidCount, ran);
        output.WriteLine($"{ValidCount} valid declarations generated, compiled and run against the reference in {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void RandomInvalidDeclarations_AreReportedAndNotGenerated()
    {
        var random = new Random(Seed + 1);
        var failures = new List<string>();
        var kinds = new Dictionary<string, int>();
        for (int i = 0; i < InvalidCount; i++)
        {
            (string declaration, string expected, string why) = InvalidModel(random, i);
            kinds[why] = kinds.GetValueOrDefault(why) + 1;
            GeneratorRun run = GeneratorHarness.Run(File(i, declaration));
            AssertNoGeneratorFailure(run);
            bool reported = expected == "compiler"
                ? run.OutputDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || HasGrnnError(run)
                : run.GeneratorDiagnostics.Any(d => d.Id == expected && d.Severity == DiagnosticSeverity.Error);
            if (!reported || (expected != "compiler" && run.Sources.Count > 0) || ErrorsInGenerated(run).Any())
            {
                failures.Add($"#{i} ({why}, expected {expected}): {GeneratorHarness.Format(run.GeneratorDiagnostics)}\n{declaration}");
            }
        }

        output.WriteLine($"{InvalidCount} invalid declarations, {kinds.Count} kinds: " + string.Join(", ", kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.Equal(24, kinds.Count); // every kind of fault was tried
    }

    [Fact]
    public void RandomlyMutatedDeclarations_EitherCompileOrAreReported()
    {
        // A valid declaration with a random edit: a character deleted, duplicated or replaced, or the text cut short.
        var random = new Random(Seed + 2);
        var failures = new List<string>();
        int generated = 0, reportedByGenerator = 0, reportedByCompiler = 0;
        for (int i = 0; i < MutatedCount; i++)
        {
            string source = Mutate(random, File(i, ValidModel(random, i, small: true)));
            GeneratorRun run = GeneratorHarness.Run(source);
            AssertNoGeneratorFailure(run);
            bool anyError = HasGrnnError(run) || run.OutputDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
            bool generatedCompiles = run.Sources.Count > 0 && !ErrorsInGenerated(run).Any();
            generated += run.Sources.Count > 0 ? 1 : 0;
            reportedByGenerator += run.Sources.Count == 0 && HasGrnnError(run) ? 1 : 0;
            reportedByCompiler += run.Sources.Count == 0 && !HasGrnnError(run) && anyError ? 1 : 0;
            if (run.Sources.Count > 0 ? !generatedCompiles : !anyError && source.Contains("[RecurrentModel", StringComparison.Ordinal) && HasLayer(source))
            {
                failures.Add($"#{i}: {GeneratorHarness.Format(run.GeneratorDiagnostics)}\n{GeneratorHarness.Format(ErrorsInGenerated(run).Take(5))}\n{source}");
            }
        }

        output.WriteLine($"{MutatedCount} mutated declarations: {generated} generated and compiled, {reportedByGenerator} reported by a GRNN error, {reportedByCompiler} by the compiler only, {MutatedCount - generated - reportedByGenerator - reportedByCompiler} neither (no model left to generate)");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private static bool HasLayer(string source) =>
        source.Contains("[Rnn(", StringComparison.Ordinal) || source.Contains("[Lstm(", StringComparison.Ordinal) || source.Contains("[Gru(", StringComparison.Ordinal);

    private static string File(int index, string declaration) =>
        $"using GenRnn;\n\nnamespace Random{index};\n\n{declaration}\n";

    /// <summary>A valid model: an optional embedding, 1 to 3 layers of matching sizes and options, an optional head, random tuning.</summary>
    private static string ValidModel(Random random, int index, bool small = false)
    {
        var b = new StringBuilder();
        b.Append(ModelAttribute(random)).Append('\n');
        int input = Size(random, small);
        if (random.Next(4) == 0)
        {
            b.Append($"[Embedding({1 + random.Next(300)}, {input})]\n");
        }

        int layers = 1 + random.Next(3);
        for (int l = 0; l < layers; l++)
        {
            int hidden = Size(random, small);
            b.Append(Layer(random, input, hidden)).Append('\n');
            input = hidden;
        }

        if (random.Next(2) == 0)
        {
            b.Append($"[Dense({1 + random.Next(20)}, Activation = Activation.{Heads[random.Next(Heads.Length)]})]\n");
        }

        string modifiers = random.Next(3) switch { 0 => "public sealed partial", 1 => "internal partial", _ => "public partial" };
        return b + $"{modifiers} class M{index};";
    }

    private static int Size(Random random, bool small) =>
        random.Next(10) switch
        {
            0 when !small => 64 + random.Next(80), // beyond a vector block, and splittable with Cores = 2
            1 => 1,
            _ => 1 + random.Next(small ? 12 : 40),
        };

    private static string ModelAttribute(Random random)
    {
        var options = new List<string>();
        if (random.Next(3) == 0) options.Add($"VectorWidth = {new[] { 512, 256, 32 }[random.Next(3)]}");
        if (random.Next(3) == 0) options.Add($"RegisterBlocks = {1 + random.Next(8)}");
        if (random.Next(4) == 0) options.Add("BFloat16Inference = true");
        if (random.Next(5) == 0) options.Add("Cores = 2");
        return options.Count == 0 ? "[RecurrentModel]" : $"[RecurrentModel({string.Join(", ", options)})]";
    }

    private static string Layer(Random random, int input, int hidden) => random.Next(7) switch
    {
        0 => $"[Rnn({input}, {hidden})]",
        1 => $"[Lstm({input}, {hidden})]",
        2 => $"[Lstm({input}, {hidden}, Peepholes = true)]",
        3 => $"[Lstm({input}, {hidden}, ForgetGate = false)]",
        4 => $"[Lstm({input}, {hidden}, InputGate = false, ForgetGate = false, OutputGate = false)]",
        5 => $"[Gru({input}, {hidden})]",
        _ => $"[Gru(inputSize: {input}, hiddenSize: {hidden}, ResetAfter = false)]",
    };

    /// <summary>An invalid declaration, the diagnostic it must get (a GRNN id, or "compiler") and what is wrong with it.</summary>
    private static (string Declaration, string Expected, string Why) InvalidModel(Random random, int index)
    {
        string name = $"M{index}";
        int a = 1 + random.Next(20), b = 1 + random.Next(20);
        string bad = new[] { "0", "-1", $"-{1 + random.Next(1000)}", "int.MinValue" }[random.Next(4)];
        string huge = new[] { "2049", "100000", "int.MaxValue", "16777217" }[random.Next(4)];
        return (index % 24) switch // every kind of fault, in turn
        {
            0 => ($"[RecurrentModel]\n[Lstm({a}, {bad})]\npublic partial class {name};", "GRNN002", "hidden size not positive"),
            1 => ($"[RecurrentModel]\n[Gru({bad}, {b})]\npublic partial class {name};", "GRNN002", "input size not positive"),
            2 => ($"[RecurrentModel]\n[Embedding({bad}, {a})]\n[Rnn({a}, {b})]\npublic partial class {name};", "GRNN002", "vocabulary not positive"),
            3 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\n[Dense({bad})]\npublic partial class {name};", "GRNN002", "outputs not positive"),
            4 => ($"[RecurrentModel]\n[Lstm({a}, {(huge == "16777217" ? "4096" : huge)})]\npublic partial class {name};", "GRNN014", "hidden size too large"),
            5 => ($"[RecurrentModel]\n[Embedding({(huge == "2049" ? "16777217" : huge)}, 65536)]\n[Rnn(65536, 4)]\npublic partial class {name};", "GRNN014", "embedding too large"),
            6 => ($"[RecurrentModel]\n[Lstm({a}, {b})]\n[Gru({b + 1 + random.Next(5)}, {a})]\npublic partial class {name};", "GRNN003", "input size mismatch"),
            7 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\n[Embedding(5, {a})]\npublic partial class {name};", "GRNN004", "embedding after a layer"),
            8 => ($"[RecurrentModel]\n[Dense({a})]\n[Rnn({a}, {b})]\npublic partial class {name};", "GRNN005", "dense first"),
            9 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\n[Dense({a})]\n[Dense({b})]\npublic partial class {name};", "GRNN005", "duplicate dense"),
            10 => ($"[RecurrentModel]\n{(random.Next(2) == 0 ? $"[Embedding(5, {a})]\n" : "")}public partial class {name};", "GRNN006", "no recurrent layer"),
            11 => ($"public partial class Outer{index}\n{{\n    [RecurrentModel]\n    [Rnn({a}, {b})]\n    public partial class {name};\n}}", "GRNN007", "nested"),
            12 => ($"[RecurrentModel]\n[Gru({a}, {b})]\npublic partial class {name}<T>;", "GRNN008", "generic"),
            13 => ($"[RecurrentModel]\n[Lstm({a}, {b}, {new[] { "CoupledGates = true, ForgetGate = false", "CoupledGates = true, InputGate = false", "Peepholes = true, CoupledGates = true, InputGate = false", "Peepholes = true, InputGate = false, ForgetGate = false, OutputGate = false" }[random.Next(4)]})]\npublic partial class {name};", "GRNN009", "conflicting options"),
            14 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\npublic {new[] { "static", "abstract" }[random.Next(2)]} partial class {name};", "GRNN010", "static or abstract"),
            15 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\npublic partial {new[] { "struct", "record" }[random.Next(2)]} {name};", "GRNN010", "not a class"),
            16 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\npublic partial class {name}\n{{\n    public {name}(int x) {{ }}\n}}", "GRNN011", "no parameterless constructor"),
            17 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\n[Dense({a}, Activation = (Activation){4 + random.Next(100)})]\npublic partial class {name};", "GRNN016", "unknown activation"),
            18 => ($"[RecurrentModel({new[] { "VectorWidth = 128", "VectorWidth = 0", "RegisterBlocks = 0", "RegisterBlocks = 9", "Cores = 3", "Cores = 0" }[random.Next(6)]})]\n[Rnn({a}, {b})]\npublic partial class {name};", "GRNN017", "invalid tuning"),
            19 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\npublic partial class {name}\n{{\n    {new[] { "public int InputSize;", "public float[] Parameters => [];", "public struct State { }", "public void Step(int token, System.Span<float> state, System.Span<float> output) { }", "private static void Layer0Forward() { }", "private const int L0WeightIh = 0;" }[random.Next(6)]}\n}}", "GRNN019", "member clash"),
            20 => ($"[RecurrentModel]\n[Rnn({a}, {b})]\npublic class {name};", "GRNN001", "missing partial"),
            21 => ($"[Rnn({a}, {b})]\n[Dense({a})]\npublic partial class {name};", "GRNN015", "layers without model"),
            22 => ($"[RecurrentModel]\n[Lstm({a}, Size)]\npublic partial class {name}\n{{\n    private static int Size = {b};\n}}", "compiler", "non-constant argument"),
            _ => ($"[RecurrentModel]\n[RecurrentModel]\n[Rnn({a}, {b})]\npublic partial class {name};", "compiler", "duplicate [RecurrentModel]"),
        };
    }

    private static string Mutate(Random random, string source)
    {
        int start = source.IndexOf('[', StringComparison.Ordinal);
        int at = start + random.Next(source.Length - start);
        const string Noise = "[](),;{}=-0123456789 aZ\"\n";
        return random.Next(5) switch
        {
            4 => ShuffleAttributes(random, source),
            0 => source.Remove(at, 1),
            1 => source.Insert(at, source[at].ToString()),
            2 => source.Remove(at, 1).Insert(at, Noise[random.Next(Noise.Length)].ToString()),
            _ => source[..at],
        };
    }

    /// <summary>The attribute lines in a random order (the [RecurrentModel] line may move among the layers).</summary>
    private static string ShuffleAttributes(Random random, string source)
    {
        string[] lines = source.Split('\n');
        int first = Array.FindIndex(lines, l => l.StartsWith('['));
        int last = Array.FindLastIndex(lines, l => l.StartsWith('['));
        string[] attributes = lines[first..(last + 1)];
        random.Shuffle(attributes);
        return string.Join('\n', [.. lines[..first], .. attributes, .. lines[(last + 1)..]]);
    }

    private static bool HasGrnnError(GeneratorRun run) =>
        run.GeneratorDiagnostics.Any(d => d.Id.StartsWith("GRNN", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);

    private static IEnumerable<Diagnostic> ErrorsInGenerated(GeneratorRun run) =>
        run.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } t && run.Result.GeneratedTrees.Contains(t));

    [Fact]
    public void A_described_cell_without_an_emitter_is_not_read()
    {
        // MUT1-3 are described (src/GenRnn/Cells/MutFamily.cs) but not emitted yet, and GenRnn has no [Mut1]: a class of
        // that name written by a user is not a layer attribute, so the generator neither throws nor emits the model.
        const string Source = """
            namespace GenRnn
            {
                [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true)]
                public sealed class Mut1Attribute(int inputSize, int hiddenSize) : System.Attribute
                {
                    public int InputSize { get; } = inputSize;

                    public int HiddenSize { get; } = hiddenSize;
                }
            }

            namespace Test
            {
                [GenRnn.RecurrentModel]
                [GenRnn.Mut1(4, 4)]
                public partial class M;
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(Source);
        AssertNoGeneratorFailure(run);
        Assert.Empty(run.Sources);
    }

    private static void AssertNoGeneratorFailure(GeneratorRun run)
    {
        // CS8784 / CS8785: the generator threw during initialization / generation.
        IEnumerable<Diagnostic> failures = run.GeneratorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785" || !d.Id.StartsWith("GRNN", StringComparison.Ordinal));
        Assert.True(!failures.Any(), GeneratorHarness.Format(failures));
    }
}
