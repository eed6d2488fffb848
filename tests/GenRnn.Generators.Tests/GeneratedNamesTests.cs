using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenRnn.Generators.Tests;

/// <summary>
/// Every member the generator declares in a model class, over models of every cell kind and option, is a name the
/// parser reserves: a user member of that name gets GRNN019 rather than a compiler error in the generated file.
/// </summary>
public sealed class GeneratedNamesTests
{
    public static TheoryData<string> Declarations => new()
    {
        "[RecurrentModel]\n[Rnn(3, 4)]\n[Dense(2)]",
        "[RecurrentModel]\n[Embedding(10, 4)]\n[Lstm(4, 8, Peepholes = true)]\n[Gru(8, 6, ResetAfter = false)]\n[Dense(3, Activation = Activation.Softmax)]",
        "[RecurrentModel]\n[Lstm(2, 5, InputGate = false, ForgetGate = false, OutputGate = false)]\n[Gru(5, 3)]",
        "[RecurrentModel(BFloat16Inference = true)]\n[Embedding(20, 8)]\n[Lstm(8, 64)]\n[Dense(4)]",
        "[RecurrentModel(Cores = 2)]\n[Lstm(3, 128)]\n[Gru(128, 128)]\n[Dense(2)]",
        "[RecurrentModel(Cores = 2, BFloat16Inference = true)]\n[Gru(16, 128)]",
        "[RecurrentModel(VectorWidth = 32, RegisterBlocks = 1)]\n[Rnn(5, 7)]\n[Rnn(7, 9)]\n[Dense(1, Activation = Activation.Sigmoid)]",
        "[RecurrentModel(VectorWidth = 256)]\n[Lstm(64, 256)]\n[Dense(8, Activation = Activation.Tanh)]",
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void EveryGeneratedMemberNameIsReserved(string declaration)
    {
        const string Header = "using GenRnn;\n\nnamespace Tests;\n\n";
        GeneratorRun run = GeneratorHarness.Run(Header + declaration + "\npublic partial class M;\n");
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        SyntaxTree generated = Assert.Single(run.Result.GeneratedTrees);
        ClassDeclarationSyntax model = generated.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().First(c => c.Identifier.Text == "M");
        string[] names = model.Members.SelectMany(NamesOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains("Step", names);

        // The same model with a user field of each of those names: one GRNN019 per name, nothing generated.
        string fields = string.Concat(names.Select(n => $"    private int {n};\n"));
        GeneratorRun clash = GeneratorHarness.Run(Header + declaration + "\npublic partial class M\n{\n" + fields + "}\n");
        string[] reported = clash.GeneratorDiagnostics
            .Where(d => d.Id == "GRNN019")
            .Select(d => clash.OutputCompilation.SyntaxTrees.Single(t => t.FilePath == d.Location.GetLineSpan().Path).GetText().ToString(d.Location.SourceSpan))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(names, reported);
        Assert.Empty(clash.Sources);
    }

    private static IEnumerable<string> NamesOf(MemberDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } m => [m.Identifier.Text],
        PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } p => [p.Identifier.Text],
        BaseFieldDeclarationSyntax f => f.Declaration.Variables.Select(v => v.Identifier.Text),
        BaseTypeDeclarationSyntax t => [t.Identifier.Text],
        DelegateDeclarationSyntax d => [d.Identifier.Text],
        _ => [],
    };
}
