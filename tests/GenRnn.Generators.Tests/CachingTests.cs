using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using GenRnn.Generators.Pipeline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GenRnn.Generators.Tests;

/// <summary>
/// The incremental pipeline caches: an edit that does not touch a model leaves every tracked step Cached or Unchanged,
/// a real change re-runs only what depends on it, and no step output holds Roslyn objects (which would keep old
/// compilations alive and defeat the equality checks). After the generator tests of NetEscapades.EnumGenerators and
/// System.Text.Json.
/// </summary>
public sealed class CachingTests
{
    private const string ModelsFile = "Models.cs";
    private const string OtherFile = "Other.cs";

    // A model of each step's interest: two valid models (Models, Output), one with an error (Diagnostics) and a class
    // with layers but no [RecurrentModel] (OrphanLayers).
    private const string Source = """
        using GenRnn;

        namespace Tests;

        [RecurrentModel]
        [Lstm(1, 4)]
        [Dense(1)]
        internal partial class Small;

        [RecurrentModel]
        [Gru(2, 3, ResetAfter = false)]
        internal partial class Cho;

        [RecurrentModel]
        [Rnn(3, 0)]
        internal partial class Broken;

        [Rnn(3, 4)]
        internal partial class Orphan;
        """;

    private const string Other = """
        namespace Tests;

        internal static class Helper
        {
            public static int Value => 1;
        }
        """;

    // The generator's TrackingNames (internal), as the steps are named.
    private const string Parse = "Parse";
    private const string Diagnostics = "Diagnostics";
    private const string Models = "Models";
    private const string AllowUnsafe = "AllowUnsafe";
    private const string Output = "Output";

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    /// <summary>The generator's tracking names, read from its TrackingNames class so a new step is covered too.</summary>
    private static readonly string[] TrackingNames = typeof(RecurrentModelGenerator).Assembly
        .GetType("GenRnn.Generators.Pipeline.TrackingNames", throwOnError: true)!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    public static TheoryData<string> AllTrackingNames => new(TrackingNames);

    [Fact]
    public void AddingAnUnrelatedFile_LeavesEveryStepCached()
    {
        (GeneratorRun first, CSharpCompilation compilation) = RunFirst();

        GeneratorRun second = GeneratorHarness.Run(
            first.Driver,
            compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Tests;\n\ninternal sealed class Unrelated\n{\n}\n", GeneratorHarness.ParseOptions, "Unrelated.cs")));

        AssertAllCached(second);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void EditingAnotherFile_LeavesEveryStepCached()
    {
        (GeneratorRun first, CSharpCompilation compilation) = RunFirst();

        GeneratorRun second = GeneratorHarness.Run(first.Driver, Replace(compilation, OtherFile, Other.Replace("Value => 1", "Value => 2", StringComparison.Ordinal)));

        AssertAllCached(second);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void MovingTheModels_ReReportsDiagnosticsWithoutReEmitting()
    {
        (GeneratorRun first, CSharpCompilation compilation) = RunFirst();

        // Two lines above the models: every location moves, no model changes.
        GeneratorRun second = GeneratorHarness.Run(first.Driver, Replace(compilation, ModelsFile, "// A comment\n// that moves the models.\n" + Source));

        Assert.Contains(Reasons(second, Parse), r => r == IncrementalStepRunReason.Modified);
        Assert.Contains(Reasons(second, Diagnostics), r => r == IncrementalStepRunReason.Modified);
        Assert.All(Reasons(second, Models), r => Assert.Contains(r, CachedOrUnchanged));
        Assert.All(Reasons(second, Output), r => Assert.Contains(r, CachedOrUnchanged));
        Assert.Equal(
            first.GeneratorDiagnostics.Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 2),
            second.GeneratorDiagnostics.Select(d => d.Location.GetLineSpan().StartLinePosition.Line));
    }

    [Fact]
    public void ChangingAHiddenSize_ModifiesThatModelOnly()
    {
        (GeneratorRun first, CSharpCompilation compilation) = RunFirst();

        GeneratorRun second = GeneratorHarness.Run(first.Driver, Replace(compilation, ModelsFile, Source.Replace("[Lstm(1, 4)]", "[Lstm(1, 5)]", StringComparison.Ordinal)));

        // Small is modified; Cho is not.
        Assert.Equal(1, Reasons(second, Models).Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, Reasons(second, Output).Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(2, Reasons(second, Output).Count());
        Assert.Contains("public const int HiddenSize = 5;", second.Sources["Tests.Small.g.cs"], StringComparison.Ordinal);
        Assert.Equal(first.Sources["Tests.Cho.g.cs"], second.Sources["Tests.Cho.g.cs"]);
    }

    [Fact]
    public void ChangingAnLstmOption_ModifiesThatModelOnly_AndItsOptionsCompareByValue()
    {
        (GeneratorRun first, CSharpCompilation compilation) = RunFirst();
        CSharpCompilation variant = Replace(compilation, ModelsFile, Source.Replace("[Lstm(1, 4)]", "[Lstm(1, 4, CoupledGates = true, CellOutputActivation = CellActivation.Identity)]", StringComparison.Ordinal));

        GeneratorRun second = GeneratorHarness.Run(first.Driver, variant);
        Assert.Equal(1, Reasons(second, Models).Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Contains("global::GenRnn.CellKind.LstmVariant", second.Sources["Tests.Small.g.cs"], StringComparison.Ordinal);
        Assert.Equal(first.Sources["Tests.Cho.g.cs"], second.Sources["Tests.Cho.g.cs"]);

        // The LSTM options (a new LstmOptions each parse) are equal by value, so an unrelated edit leaves the model cached.
        GeneratorRun third = GeneratorHarness.Run(second.Driver, Replace(variant, OtherFile, Other.Replace("Value => 1", "Value => 2", StringComparison.Ordinal)));
        AssertAllCached(third);
    }

    [Fact]
    public void TogglingAllowUnsafe_ModifiesTheOutput()
    {
        (GeneratorRun first, CSharpCompilation compilation) = RunFirst();

        GeneratorRun second = GeneratorHarness.Run(first.Driver, compilation.WithOptions(compilation.Options.WithAllowUnsafe(false)));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, AllowUnsafe));
        Assert.All(Reasons(second, Models), r => Assert.Contains(r, CachedOrUnchanged));
        Assert.All(Reasons(second, Output), r => Assert.Equal(IncrementalStepRunReason.Modified, r));
        Assert.Contains("SkipLocalsInit", first.Sources["Tests.Small.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("SkipLocalsInit", second.Sources["Tests.Small.g.cs"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllTrackingNames))]
    public void StepOutputs_HoldNoRoslynObjects(string step)
    {
        (GeneratorRun first, CSharpCompilation compilation) = RunFirst();
        GeneratorRun second = GeneratorHarness.Run(first.Driver, Replace(compilation, ModelsFile, Source.Replace("[Lstm(1, 4)]", "[Lstm(1, 5)]", StringComparison.Ordinal)));

        foreach (GeneratorRun run in new[] { first, second })
        {
            ImmutableArray<IncrementalGeneratorRunStep> steps = Steps(run, step);
            Assert.NotEmpty(steps.SelectMany(s => s.Outputs)); // the source above gives every step something to hold
            foreach (IncrementalGeneratorRunStep runStep in steps)
            {
                foreach ((object value, IncrementalStepRunReason _) in runStep.Outputs)
                {
                    List<string> found = FindRoslynObjects(value, step);
                    Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
                }
            }
        }
    }

    [Fact]
    public void FindRoslynObjects_FindsThemWhereverTheyAre()
    {
        // The check above must be able to fail: a node deep in a record, a tuple and an array is found.
        SyntaxTree tree = CSharpSyntaxTree.ParseText("class C { }");
        var holder = new Holder("x", new object[] { 1, (2, new Holder("y", new object[] { tree.GetRoot().ChildNodes().First() })) });

        Assert.NotEmpty(FindRoslynObjects(holder, "holder"));
        Assert.NotEmpty(FindRoslynObjects(tree, "tree"));
        Assert.NotEmpty(FindRoslynObjects(Location.Create(tree, default), "location"));
        Assert.Empty(FindRoslynObjects(new Holder("z", new object[] { 1, "two", (3, 4f) }), "plain"));
    }

    private static (GeneratorRun Run, CSharpCompilation Compilation) RunFirst()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { (ModelsFile, Source), (OtherFile, Other) });
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);

        // The source is as intended: two models generated, Broken and Orphan reported.
        Assert.Equal(new[] { "Tests.Cho.g.cs", "Tests.Small.g.cs" }, run.Sources.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "GRNN002", "GRNN015" }, run.GeneratorDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        return (run, compilation);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text)
    {
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path));
    }

    private static ImmutableArray<IncrementalGeneratorRunStep> Steps(GeneratorRun run, string step) =>
        Assert.Single(run.Result.Results).TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> steps)
            ? steps
            : throw new Xunit.Sdk.XunitException($"No tracked step '{step}'; tracked: {string.Join(", ", run.Result.Results[0].TrackedSteps.Keys)}");

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRun run, string step) =>
        Steps(run, step).SelectMany(s => s.Outputs).Select(o => o.Reason);

    /// <summary>Every tracked step exists, has outputs, and every output is Cached or Unchanged.</summary>
    private static void AssertAllCached(GeneratorRun run)
    {
        foreach (string name in TrackingNames)
        {
            ImmutableArray<IncrementalGeneratorRunStep> steps = Steps(run, name);
            Assert.NotEmpty(steps.SelectMany(s => s.Outputs));
            foreach (IncrementalGeneratorRunStep step in steps)
            {
                foreach ((object value, IncrementalStepRunReason reason) in step.Outputs)
                {
                    Assert.True(CachedOrUnchanged.Contains(reason), $"Step '{name}' output {value} is {reason}.");
                }
            }
        }
    }

    /// <summary>Paths to every ISymbol, SyntaxNode, SyntaxTree, Location, Compilation or SemanticModel reachable from <paramref name="root"/>.</summary>
    private static List<string> FindRoslynObjects(object? root, string rootName)
    {
        var found = new List<string>();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object? Value, string Path)>();
        pending.Push((root, rootName));
        while (pending.Count > 0)
        {
            (object? value, string path) = pending.Pop();
            if (value is null)
            {
                continue;
            }

            Type type = value.GetType();
            if (value is ISymbol or SyntaxNode or SyntaxTree or Location or Compilation or SemanticModel)
            {
                found.Add($"{path}: {type.FullName}");
                continue;
            }

            if (type.IsPrimitive || type.IsEnum || value is string or decimal or Type or MemberInfo or Pointer || (!type.IsValueType && !visited.Add(value)))
            {
                continue;
            }

            if (value is Array array)
            {
                int i = 0;
                foreach (object? item in array)
                {
                    pending.Push((item, $"{path}[{i++}]"));
                }

                continue;
            }

            for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (!field.FieldType.IsPointer && !field.FieldType.IsByRefLike)
                    {
                        pending.Push((field.GetValue(value), $"{path}.{field.Name}"));
                    }
                }
            }
        }

        return found;
    }

    private sealed record Holder(string Name, IEnumerable Items);
}
