using CsCheck;
using GenRnn.Testing;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace GenRnn.Generators.Tests;

/// <summary>
/// [Lstm]'s options compose: random valid combinations (CsCheck), stacked in random models (sizes, vector width,
/// embedding, head), are generated, compiled, and their Step, traced Forward and Backward agree with the float64
/// reference of their own description. Models are drawn in batches, one compilation each, because compiling is the
/// slow part; a failure names the model and CsCheck prints the seed that reproduces the batch.
/// </summary>
public sealed class LstmOptionsPropertyTests(ITestOutputHelper output)
{
    private const int ModelsPerBatch = 12;

    private static readonly string[] Heads = ["Identity", "Tanh", "Sigmoid", "Softmax"];

    /// <summary>Any of the 128 combinations of the seven options, and whether it conflicts.</summary>
    private static readonly Gen<LstmOptions> AnyOptions = Gen.Int[0, LstmOptionCombinations.Count - 1].Select(LstmOptionCombinations.Of);

    private static readonly Gen<LstmOptions> ValidOptions = AnyOptions.Where(o => o.Conflict is null);

    /// <summary>One model: 1 to 3 LSTM layers with their own options, and the rest of a declaration.</summary>
    private static readonly Gen<string> Model =
        Gen.Select(ValidOptions.Array[1, 3], Gen.Int[1, 19].Array[3], Gen.Int[1, 5], Gen.Int[0, 2], Gen.Int[0, 4], Gen.Int[0, 1])
            .Select((layers, hidden, input, width, head, embedding) =>
            {
                var s = new System.Text.StringBuilder();
                s.Append(new[] { "[RecurrentModel]", "[RecurrentModel(VectorWidth = 256)]", "[RecurrentModel(VectorWidth = 32)]" }[width]).Append('\n');
                if (embedding == 1)
                {
                    s.Append($"[Embedding(vocabulary: 7, dimensions: {input})]\n");
                }

                int previous = input;
                for (int l = 0; l < layers.Length; l++)
                {
                    string options = layers[l].Arguments();
                    s.Append($"[Lstm({previous}, {hidden[l]}{(options.Length > 0 ? ", " + options : "")})]\n");
                    previous = hidden[l];
                }

                if (head < Heads.Length)
                {
                    s.Append($"[Dense(outputSize: {2 + (previous % 4)}, Activation = Activation.{Heads[head]})]\n");
                }

                return s.ToString();
            });

    [Fact]
    public void RandomOptionCombinations_StepForwardAndBackwardAsTheReference()
    {
        int batches = 0;
        Model.Array[ModelsPerBatch].Sample(
            declarations =>
            {
                var files = declarations.Select((d, i) => ($"M{i}.cs", $"using GenRnn;\n\nnamespace Options{i};\n\n{d}public partial class M{i};\n")).ToArray();
                GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), GeneratorHarness.CreateCompilation(files));
                IEnumerable<Diagnostic> errors = run.GeneratorDiagnostics.Concat(run.OutputCompilation.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error);
                Assert.True(!errors.Any(), GeneratorHarness.Format(errors.Take(20)) + "\n" + string.Join("\n", declarations));
                Assert.Equal(ModelsPerBatch, run.Sources.Count);
                Assert.Equal(ModelsPerBatch, GeneratedModelRunner.RunAll(run.OutputCompilation, declarations.Select((_, i) => $"Options{i}.M{i}"), gradients: true));
                batches++;
            },
            iter: 4,
            threads: 1);
        output.WriteLine($"{batches * ModelsPerBatch} models of random LSTM options generated, compiled and checked against the reference");
    }
}
