using System.Runtime.CompilerServices;

namespace GenRnn.Generators.Tests;

/// <summary>
/// The generated code of a few small models, compared exactly (line endings aside) with checked-in files in Baselines/.
/// </summary>
/// <remarks>
/// When a generator change alters the output on purpose, regenerate the files and review the diff before committing:
/// <code>
/// GENRNN_UPDATE_BASELINES=1 dotnet test tests/GenRnn.Generators.Tests --filter FullyQualifiedName~BaselineTests
/// </code>
/// With GENRNN_UPDATE_BASELINES=1 the tests write each model's output to Baselines/&lt;Name&gt;.g.cs in the source folder
/// (and the build output) instead of comparing. The files are data: the project does not compile them.
/// </remarks>
public sealed class BaselineTests
{
    private const string UpdateVariable = "GENRNN_UPDATE_BASELINES";

    private static readonly Dictionary<string, string> Layers = new(StringComparer.Ordinal)
    {
        ["SmallLstm"] = "[Lstm(1, 4)]\n[Dense(1)]",
        ["ChoGru"] = "[Gru(2, 3, ResetAfter = false)]",
        ["EmbeddingRnnLm"] = "[Embedding(5, 3)]\n[Rnn(3, 4)]\n[Dense(5, Activation = Activation.Softmax)]",
        ["RnnPeepholeStack"] = "[Rnn(3, 4)]\n[Lstm(4, 17, Peepholes = true)]",
    };

    public static TheoryData<string> Names => new(Layers.Keys);

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    private static string OutputDirectory => Path.Combine(AppContext.BaseDirectory, "Baselines");

    [Theory]
    [MemberData(nameof(Names))]
    public void GeneratedCode_MatchesBaseline(string name)
    {
        GeneratorRun run = GeneratorHarness.Run($"using GenRnn;\n\nnamespace Baselines;\n\n[RecurrentModel]\n{Layers[name]}\ninternal partial class {name};\n");
        Assert.Empty(run.GeneratorDiagnostics);
        string actual = run.Sources[$"Baselines.{name}.g.cs"];
        string file = name + ".g.cs";

        if (Updating)
        {
            Write(Path.Combine(SourceDirectory(), "Baselines", file), actual);
            Write(Path.Combine(OutputDirectory, file), actual);
            return;
        }

        string path = Path.Combine(OutputDirectory, file);
        Assert.True(File.Exists(path), $"No baseline {path}; create it with {UpdateVariable}=1 (see {nameof(BaselineTests)}).");
        string expected = GeneratorHarness.Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            Assert.Fail($"{file} differs from the generated code {FirstDifference(expected, actual)}If the change is intended, regenerate with {UpdateVariable}=1 and review the diff.");
        }
    }

    [Fact]
    public void EveryBaselineFileHasAModel()
    {
        IEnumerable<string> files = Directory.EnumerateFiles(Updating ? Path.Combine(SourceDirectory(), "Baselines") : OutputDirectory, "*.g.cs")
            .Select(f => Path.GetFileName(f)[..^".g.cs".Length])
            .Order(StringComparer.Ordinal);
        Assert.Equal(Layers.Keys.Order(StringComparer.Ordinal), files);
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>This file's folder, where the checked-in baselines live (the compiler records the path).</summary>
    private static string SourceDirectory([CallerFilePath] string path = "")
    {
        string directory = Path.GetDirectoryName(path)!;
        Assert.True(Directory.Exists(directory), $"The source folder {directory} (from the compiled path) does not exist here; update baselines from a local build.");
        return directory;
    }

    private static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string? el = i < e.Length ? e[i] : null, al = i < a.Length ? a[i] : null;
            if (el != al)
            {
                return $"at line {i + 1}\n  expected: {el ?? "<end of file>"}\n  actual:   {al ?? "<end of file>"}\n";
            }
        }

        return "(no line differs)\n";
    }
}
