using System.Collections.Immutable;
using System.Reflection;
using GenRnn.Generators.Pipeline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GenRnn.Generators.Tests;

/// <summary>What one generator run gives: the sources it added, the diagnostics it reported and the compiled result.</summary>
/// <param name="Driver">The driver after the run; run it again on an edited compilation to test caching.</param>
/// <param name="Result">The run result, with the tracked incremental steps.</param>
/// <param name="Sources">Generated sources by hint name, line endings normalised to \n.</param>
/// <param name="GeneratorDiagnostics">Diagnostics the generator reported (and CS8784/CS8785 if it threw).</param>
/// <param name="OutputCompilation">The compilation that includes the generated sources.</param>
internal sealed record GeneratorRun(
    GeneratorDriver Driver,
    GeneratorDriverRunResult Result,
    ImmutableDictionary<string, string> Sources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    Compilation OutputCompilation)
{
    /// <summary>The one generated source; fails when there is not exactly one.</summary>
    public string SingleSource => Assert.Single(Sources).Value;

    /// <summary>Every diagnostic of the compilation that includes the generated sources (computed on first use: binding is the slow part).</summary>
    public ImmutableArray<Diagnostic> OutputDiagnostics => OutputCompilation.GetDiagnostics();
}

/// <summary>Builds compilations from source text and runs <see cref="RecurrentModelGenerator"/> over them in memory.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>The shared framework (from the runtime's trusted platform assemblies) and the GenRnn runtime library.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>A library compilation of the given files (path, text) with nullable enabled and every warning wave on.</summary>
    public static CSharpCompilation CreateCompilation(IEnumerable<(string Path, string Text)> files, bool allowUnsafe = true, bool warningsAsErrors = false) =>
        CSharpCompilation.Create(
            "GeneratorTestAssembly",
            files.Select(f => CSharpSyntaxTree.ParseText(f.Text, ParseOptions, f.Path)),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: allowUnsafe,
                warningLevel: 9999,
                generalDiagnosticOption: warningsAsErrors ? ReportDiagnostic.Error : ReportDiagnostic.Default));

    public static CSharpCompilation CreateCompilation(string source, bool allowUnsafe = true, bool warningsAsErrors = false) =>
        CreateCompilation(new[] { ("Model.cs", source) }, allowUnsafe, warningsAsErrors);

    /// <summary>A driver with the generator, tracking every incremental step.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new RecurrentModelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(string source, bool allowUnsafe = true, bool warningsAsErrors = false) =>
        Run(CreateDriver(), CreateCompilation(source, allowUnsafe, warningsAsErrors));

    /// <summary>Runs <paramref name="driver"/> (fresh, or from an earlier run) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        ImmutableDictionary<string, string> sources = result.Results
            .SelectMany(r => r.GeneratedSources)
            .ToImmutableDictionary(s => s.HintName, s => Normalize(s.SourceText.ToString()));
        return new GeneratorRun(driver, result, sources, diagnostics, output);
    }

    /// <summary>Text with \n line endings.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>Diagnostics as one line each, for assertion messages.</summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The shared framework directory holds System.Private.CoreLib; take every assembly beside it, not the test's
        // own dependencies (xunit, Roslyn), so the test compilations see what a consuming project sees.
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string[] trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        Assembly runtime = typeof(RecurrentModelAttribute).Assembly;
        var runtimeDependencies = runtime.GetReferencedAssemblies().Select(a => a.Name + ".dll").ToHashSet(StringComparer.OrdinalIgnoreCase);
        return trusted
            .Where(p => string.Equals(Path.GetDirectoryName(p), framework, StringComparison.Ordinal) || runtimeDependencies.Contains(Path.GetFileName(p)))
            .Where(p => !string.Equals(Path.GetFileName(p), Path.GetFileName(runtime.Location), StringComparison.OrdinalIgnoreCase))
            .Append(runtime.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
