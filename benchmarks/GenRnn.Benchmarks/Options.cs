using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Running;

namespace GenRnn.Benchmarks;

/// <summary>The command line: our --size, --cell, --smoke and --dry, and the arguments left for BenchmarkDotNet.</summary>
public sealed class Options
{
    private static readonly string[] SelectionSwitches = ["--filter", "-f", "--anyCategories", "--allCategories", "--list", "--help", "-h", "-?", "--version", "--info"];

    /// <summary>Sizes to run (all when empty).</summary>
    public HashSet<string> Sizes { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Cells to run (all when empty).</summary>
    public HashSet<Cell> Cells { get; } = [];

    /// <summary>Run every benchmark method once, directly, without BenchmarkDotNet.</summary>
    public bool Smoke { get; private set; }

    /// <summary>What goes on to BenchmarkSwitcher.</summary>
    public string[] SwitcherArguments { get; private set; } = [];

    public static Options Parse(string[] args)
    {
        var options = new Options();
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i].ToLowerInvariant())
            {
                case "--size":
                    foreach (string size in Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!BenchCase.Sizes.Contains(size, StringComparer.OrdinalIgnoreCase))
                        {
                            throw new ArgumentException($"Unknown size '{size}'; the sizes are {string.Join(", ", BenchCase.Sizes)}.");
                        }

                        options.Sizes.Add(size);
                    }

                    break;
                case "--cell":
                    foreach (string cell in Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        options.Cells.Add(Enum.TryParse(cell, ignoreCase: true, out Cell c) ? c : throw new ArgumentException($"Unknown cell '{cell}'; the cells are {string.Join(", ", Enum.GetNames<Cell>())}."));
                    }

                    break;
                case "--smoke":
                    options.Smoke = true;
                    break;
                case "--dry":
                    rest.AddRange(["--job", "Dry"]);
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        if (!rest.Any(a => SelectionSwitches.Contains(a, StringComparer.OrdinalIgnoreCase)))
        {
            rest.AddRange(["--filter", "*"]);
        }

        options.SwitcherArguments = [.. rest];
        return options;
    }

    /// <summary>Whether (cell, size) is selected.</summary>
    public bool Includes(Cell cell, string size) => (Cells.Count == 0 || Cells.Contains(cell)) && (Sizes.Count == 0 || Sizes.Contains(size));

    /// <summary>Whether (cell, size) is selected and the benchmark class has a model for it (the head benchmarks have four).</summary>
    public bool Includes(Type benchmarks, Cell cell, string size) =>
        Includes(cell, size) && (benchmarks != typeof(HeadStepBenchmarks) || BenchCase.HasHeadModel(cell, size));

    /// <summary>Whether a BenchmarkDotNet case is selected and can run (its ONNX model exists).</summary>
    public bool Includes(BenchmarkCase benchmark)
    {
        var cell = (Cell)Parameter(benchmark.Parameters, nameof(CaseBenchmark.Cell));
        var size = (string)Parameter(benchmark.Parameters, nameof(CaseBenchmark.Size));
        return Includes(benchmark.Descriptor.Type, cell, size);
    }

    private static object Parameter(ParameterInstances parameters, string name)
        => parameters.Items.First(p => p.Name == name).Value;

    private static string Value(string[] args, ref int i)
        => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
