using System.Linq;
using GenRnn.Generators.Diagnostics;
using GenRnn.Generators.Emitting;
using GenRnn.Generators.Model;
using GenRnn.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace GenRnn.Generators.Pipeline;

/// <summary>Writes, for every [RecurrentModel] class, its forward and backward code with every size a constant.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class RecurrentModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.RecurrentModel,
                static (node, _) => node is TypeDeclarationSyntax,
                ModelParser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        // Diagnostics travel apart from the models, so a change that only moves code re-reports without re-emitting.
        context.RegisterSourceOutput(
            parsed.SelectMany(static (r, _) => r.Diagnostics).WithTrackingName(TrackingNames.Diagnostics),
            static (spc, d) => spc.ReportDiagnostic(d.ToDiagnostic()));

        // [SkipLocalsInit] needs unsafe code allowed in the consuming project.
        IncrementalValueProvider<bool> allowUnsafe = context.CompilationProvider
            .Select(static (c, _) => c.Options is CSharpCompilationOptions { AllowUnsafe: true })
            .WithTrackingName(TrackingNames.AllowUnsafe);

        IncrementalValuesProvider<(ModelSpec Model, bool AllowUnsafe)> models = parsed
            .Where(static r => r.Model is not null)
            .Select(static (r, _) => r.Model!)
            .WithTrackingName(TrackingNames.Models)
            .Combine(allowUnsafe)
            .WithTrackingName(TrackingNames.Output);

        context.RegisterSourceOutput(models, static (spc, m) =>
            spc.AddSource(m.Model.FullName + ".g.cs", SourceText.From(ModelEmitter.Emit(m.Model, m.AllowUnsafe), System.Text.Encoding.UTF8)));

        // A layer attribute on a class without [RecurrentModel] would otherwise be silently ignored.
        foreach (string layerAttribute in AttributeNames.Layers)
        {
            IncrementalValuesProvider<DiagnosticInfo> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    layerAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => ctx.TargetSymbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeNames.RecurrentModel)
                        ? null
                        : DiagnosticInfo.Create(DiagnosticDescriptors.LayerWithoutModel, LocationInfo.From(ctx.Attributes[0].ApplicationSyntaxReference?.GetSyntax(ct)), ctx.TargetSymbol.Name))
                .Where(static d => d is not null)
                .Select(static (d, _) => d!)
                .WithTrackingName(TrackingNames.OrphanLayers);
            context.RegisterSourceOutput(orphans, static (spc, d) => spc.ReportDiagnostic(d.ToDiagnostic()));
        }
    }
}
