using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GenRnn.Cells;
using GenRnn.Generators.Diagnostics;
using GenRnn.Generators.Emitting;
using GenRnn.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenRnn.Generators.Parsing;

/// <summary>Turns a [RecurrentModel] class into a <see cref="ModelSpec"/> and the diagnostics of its declaration.</summary>
internal static class ModelParser
{
    // Limits that keep per-step scratch (stackalloc) and the flat buffers within safe sizes.
    public const int MaxHidden = 2048;
    public const int MaxInput = 65536;
    public const int MaxVocabulary = 16_777_216;
    public const int MaxOutputs = 1_048_576;

    // 64K floats (256 KB) of per-step stack scratch at most, well within a thread's default stack.
    public const int MaxStepRecord = 65_536;

    // The parameters live in one float[] indexed with int offsets: Array.MaxLength.
    public const int MaxParameters = 0x7FFFFFC7;

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var diagnostics = new List<DiagnosticInfo>();
        if (!IsPrimaryDeclaration(context, symbol))
        {
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        LocationInfo? modelLocation = LocationInfo.From(context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken));

        CheckTypeShape(symbol, context.TargetNode, modelLocation, diagnostics);
        CheckMemberNames(symbol, diagnostics, cancellationToken);

        List<(AttributeData Data, SyntaxNode Syntax)>? layers = CollectLayerAttributes(symbol, cancellationToken, modelLocation, diagnostics);
        if (layers is null)
        {
            // An attribute with compile errors (the compiler reports it) or layers without an order: nothing sound to generate.
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        Tuning tuning = ParseTuning(context.Attributes[0], modelLocation, diagnostics);
        ModelSpec? model = BuildModel(symbol, layers, modelLocation, diagnostics, cancellationToken);
        if (model is not null)
        {
            model = model with { Tuning = tuning };
            if (tuning.Cores == 2 && !model.Layers.Any(l => l.Splittable))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NothingToSplit, modelLocation, symbol.Name));
            }
        }

        bool hasErrors = diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
        return new ParseResult(hasErrors ? null : model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
    }

    /// <summary>
    /// Whether this declaration is the one to parse: it has a name (the compiler reports a missing one), and it holds the
    /// class's first [RecurrentModel], so a class with the attribute repeated on several partial declarations (which the
    /// compiler reports) is generated once.
    /// </summary>
    private static bool IsPrimaryDeclaration(GeneratorAttributeSyntaxContext context, INamedTypeSymbol symbol)
    {
        if (context.TargetNode is TypeDeclarationSyntax { Identifier.IsMissing: true })
        {
            return false;
        }

        SyntaxReference? first = symbol.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeNames.RecurrentModel)?.ApplicationSyntaxReference;
        return first is null || (first.SyntaxTree == context.TargetNode.SyntaxTree && context.TargetNode.Span.Contains(first.Span));
    }

    private static void CheckTypeShape(INamedTypeSymbol symbol, SyntaxNode node, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (node is not ClassDeclarationSyntax)
        {
            string kind = node switch
            {
                RecordDeclarationSyntax => "a record",
                StructDeclarationSyntax => "a struct",
                InterfaceDeclarationSyntax => "an interface",
                _ => "not a class",
            };
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedTypeKind, location, symbol.Name, kind));
            return;
        }

        if (symbol.IsStatic || symbol.IsAbstract)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedTypeKind, location, symbol.Name, symbol.IsStatic ? "static" : "abstract"));
        }

        bool allPartial = symbol.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax())
            .OfType<TypeDeclarationSyntax>()
            .All(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
        if (!allPartial)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, location, symbol.Name));
        }

        if (symbol.ContainingType is { } outer)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NestedType, location, symbol.Name, outer.Name));
        }

        if (symbol.TypeParameters.Length > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericType, location, symbol.Name));
        }

        var explicitConstructors = symbol.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared).ToList();
        if (explicitConstructors.Count > 0 && !explicitConstructors.Any(c => c.Parameters.Length == 0))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoParameterlessConstructor, location, symbol.Name));
        }
    }

    /// <summary>
    /// GRNN019 on every member the user declared (in any partial declaration, nested types included) whose name the
    /// generated code declares too; the compiler would otherwise report CS0102 or CS0111 inside the generated file.
    /// </summary>
    private static void CheckMemberNames(INamedTypeSymbol symbol, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        foreach (ISymbol member in symbol.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared || !GeneratedNames.IsReserved(member.Name))
            {
                continue;
            }

            foreach (Location location in member.Locations)
            {
                // Only what the user wrote: not metadata, not the output of a generator.
                if (location.IsInSource && location.SourceTree?.FilePath.IndexOf("GenRnn.Generators", System.StringComparison.Ordinal) is null or < 0)
                {
                    string what = GeneratedNames.IsPublic(member.Name) ? "a public member" : "a private helper";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameClash, LocationInfo.From(location), member.Name, symbol.Name, what));
                }
            }
        }
    }

    /// <summary>The layer attributes in source order, or null when one of them does not bind or they have no order.</summary>
    private static List<(AttributeData, SyntaxNode)>? CollectLayerAttributes(
        INamedTypeSymbol symbol, CancellationToken cancellationToken, LocationInfo? modelLocation, List<DiagnosticInfo> diagnostics)
    {
        var layers = new List<(AttributeData Data, SyntaxNode Syntax)>();
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is null || !AttributeNames.Layers.Contains(name))
            {
                continue;
            }

            SyntaxNode? syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
            if (syntax is null || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error) || attribute.AttributeConstructor is null)
            {
                return null;
            }

            layers.Add((attribute, syntax));
        }

        // Order across partial declarations would depend on file order; require one declaration.
        var owners = layers.Select(l => l.Syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>()).Distinct().Count();
        if (owners > 1)
        {
            // Without an order the layers cannot be checked against each other either.
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersOnSeveralDeclarations, modelLocation, symbol.Name));
            return null;
        }

        layers.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        return layers;
    }

    private static ModelSpec? BuildModel(
        INamedTypeSymbol symbol,
        List<(AttributeData Data, SyntaxNode Syntax)> attributes,
        LocationInfo? modelLocation,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        int vocabulary = 0, dimensions = 0, headOutputs = 0;
        var activation = HeadActivation.Identity;
        var layers = new List<LayerModel>();
        string previousName = "";
        int previousOutput = 0; // floats per step leaving the previous layer; 0 before the first
        LocationInfo? denseLocation = null; // the head, once seen
        bool reportedLayerAfterDense = false;

        for (int index = 0; index < attributes.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (AttributeData data, SyntaxNode syntax) = attributes[index];
            LocationInfo? location = LocationInfo.From(syntax);
            string name = data.AttributeClass!.ToDisplayString();
            string shortName = data.AttributeClass.Name.Substring(0, data.AttributeClass.Name.Length - "Attribute".Length);

            if (denseLocation is not null && name != AttributeNames.Embedding)
            {
                // A second head is misplaced itself; recurrent layers after the head mean the head is not last.
                if (name == AttributeNames.Dense)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNotLast, location));
                }
                else if (!reportedLayerAfterDense)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNotLast, denseLocation));
                    reportedLayerAfterDense = true;
                }

                continue;
            }

            switch (name)
            {
                case AttributeNames.Embedding:
                {
                    if (index != 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingNotFirst, location));
                        continue;
                    }

                    vocabulary = Int(data, 0);
                    dimensions = Int(data, 1);
                    CheckSize(diagnostics, location, shortName, "vocabulary", vocabulary, MaxVocabulary);
                    CheckSize(diagnostics, location, shortName, "dimensions", dimensions, MaxInput);
                    previousName = "[Embedding]";
                    previousOutput = dimensions;
                    break;
                }

                case AttributeNames.Dense:
                {
                    if (layers.Count == 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNotLast, location));
                        continue;
                    }

                    denseLocation = location;
                    headOutputs = Int(data, 0);
                    int activationValue = Named(data, "Activation", 0);
                    activation = (HeadActivation)activationValue;
                    CheckSize(diagnostics, location, shortName, "outputSize", headOutputs, MaxOutputs);
                    if (activationValue is < (int)HeadActivation.Identity or > (int)HeadActivation.Softmax)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownActivation, location, activationValue));
                    }

                    if (activation == HeadActivation.Softmax && headOutputs == 1)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxOfOne, location));
                    }

                    break;
                }

                default:
                {
                    int input = Int(data, 0), hidden = Int(data, 1);
                    bool sizesOk = CheckSize(diagnostics, location, shortName, "inputSize", input, MaxInput)
                        & CheckSize(diagnostics, location, shortName, "hiddenSize", hidden, MaxHidden);
                    (CellKind cell, LstmOptions? lstm) = shortName == "Lstm"
                        ? LstmOf(data, location, diagnostics)
                        : (CellKindOf(shortName, data, location, diagnostics), null);

                    if (sizesOk && previousOutput > 0 && input != previousOutput)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputSizeMismatch, location, shortName, input, previousName, previousOutput));
                    }

                    layers.Add(new LayerModel(cell, input, hidden, lstm));
                    previousName = $"[{shortName}] layer {layers.Count - 1}";
                    previousOutput = hidden;
                    break;
                }
            }
        }

        if (layers.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoRecurrentLayer, modelLocation, symbol.Name));
            return null;
        }

        var model = new ModelSpec(NamespaceName(symbol.ContainingNamespace), symbol.Name, vocabulary, dimensions, new EquatableArray<LayerModel>(layers.ToArray()), headOutputs, activation, Tuning.Default);

        // Each size is within its limit, but together they can overflow the int offsets of the flat buffers.
        if (!diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            long parameters = ParameterCount(vocabulary, dimensions, layers, headOutputs);
            if (parameters > MaxParameters)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooLarge, modelLocation, "RecurrentModel", "ParameterCount", parameters, MaxParameters));
            }
            else
            {
                // A step's record (inputs, gates and states of every layer) lives on the stack during inference: checked
                // against the record the emitter lays out (its offsets fit int once the parameter count does).
                int record = new ModelLayout(model).StepRecordSize;
                if (record > MaxStepRecord)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooLarge, modelLocation, "RecurrentModel", "floats recorded per step (all layers' gates and states)", record, MaxStepRecord));
                }
            }
        }

        return model;
    }

    /// <summary>The parameter count of valid sizes, as long (the same sum as ModelLayout, which works in int).</summary>
    private static long ParameterCount(int vocabulary, int dimensions, List<LayerModel> layers, int headOutputs)
    {
        long count = ((long)vocabulary * dimensions) + ((long)headOutputs * (layers[layers.Count - 1].HiddenSize + 1));
        foreach (LayerModel layer in layers)
        {
            count += layer.Family.ParameterCount(layer.InputSize, layer.HiddenSize);
        }

        return count;
    }

    /// <summary>The dotted namespace as metadata names it (no '@' on keywords: it is a hint name and a string); empty for the global namespace.</summary>
    private static string NamespaceName(INamespaceSymbol? ns)
    {
        var parts = new List<string>();
        for (INamespaceSymbol? n = ns; n is { IsGlobalNamespace: false }; n = n.ContainingNamespace)
        {
            parts.Insert(0, n.Name);
        }

        return string.Join(".", parts);
    }

    /// <summary>The kernel tuning options of [RecurrentModel], each checked against what the emitter supports.</summary>
    private static Tuning ParseTuning(AttributeData model, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        int width = Named(model, "VectorWidth", Tuning.Default.VectorWidth);
        int blocks = Named(model, "RegisterBlocks", Tuning.Default.RegisterBlocks);
        if (width is not (512 or 256 or 32))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTuning, location, "VectorWidth", width, "use 512 (Vector512 where available), 256 (at most Vector256) or 32 (scalar)"));
            width = Tuning.Default.VectorWidth;
        }

        if (blocks is < 1 or > 8)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTuning, location, "RegisterBlocks", blocks, "use 1 to 8 accumulators"));
            blocks = Tuning.Default.RegisterBlocks;
        }

        int cores = Named(model, "Cores", Tuning.Default.Cores);
        if (cores is not (1 or 2))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTuning, location, "Cores", cores, "use 1 (the calling thread only) or 2 (half of each step on a second core)"));
            cores = Tuning.Default.Cores;
        }

        return new Tuning(width, blocks, Named(model, "BFloat16Inference", 0) != 0, cores);
    }

    /// <summary>
    /// The kind that [<paramref name="attribute"/>] declares with its bool options as given: the family whose options
    /// (CellFamily.Options) all match. A combination no kind has is GRNN009, naming what was set and what to remove,
    /// and gives the attribute's default kind so the rest of the declaration is still checked.
    /// </summary>
    private static CellKind CellKindOf(string attribute, AttributeData data, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        List<CellFamily> kinds = CellFamilies.All.Where(f => f.Attribute == attribute).ToList();
        CellFamily defaults = kinds[0];
        List<CellOption> given = defaults.Options.Select(o => new CellOption(o.Name, Named(data, o.Name, o.Value ? 1 : 0) != 0)).ToList();
        foreach (CellFamily kind in kinds)
        {
            if (kind.Options.Select(o => o.Value).SequenceEqual(given.Select(o => o.Value)))
            {
                return kind.Kind;
            }
        }

        List<CellOption> changed = given.Where((o, k) => o.Value != defaults.Options[k].Value).ToList();
        IEnumerable<string> combinations = kinds.Skip(1).Select(kind => string.Join(", ", kind.Options.Where((o, k) => o.Value != defaults.Options[k].Value)));
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.ConflictingOptions,
            location,
            attribute,
            $"sets {string.Join(" with ", Enumerable.Reverse(changed))}; no [{attribute}] cell has that combination (besides the default it has: " +
            $"{string.Join("; ", combinations)}): remove {string.Join(" or ", changed)}"));
        return defaults.Kind;
    }

    /// <summary>
    /// The LSTM that [Lstm] declares with its options: the named kind that has exactly them (so its code and
    /// description are that kind's), else LstmVariant with the options. Options that conflict are GRNN009 with the fix,
    /// and give the default LSTM so the rest of the declaration is still checked.
    /// </summary>
    private static (CellKind Cell, LstmOptions? Lstm) LstmOf(AttributeData data, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var options = new LstmOptions
        {
            InputGate = Named(data, "InputGate", 1) != 0,
            ForgetGate = Named(data, "ForgetGate", 1) != 0,
            OutputGate = Named(data, "OutputGate", 1) != 0,
            CoupledGates = Named(data, "CoupledGates", 0) != 0,
            Peepholes = Named(data, "Peepholes", 0) != 0,
            CellInputActivation = ActivationOf(data, "CellInputActivation", location, diagnostics),
            CellOutputActivation = ActivationOf(data, "CellOutputActivation", location, diagnostics),
        };
        if (options.Conflict is string conflict)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingOptions, location, "Lstm", conflict));
            return (CellKind.Lstm, null);
        }

        CellFamily family = CellFamilies.ForLstm(options);
        return (family.Kind, family.Kind == CellKind.LstmVariant ? options : null);
    }

    // A value outside the enum (a cast int) is GRNN020, and read as tanh so the rest of the declaration is still checked.
    private static CellActivation ActivationOf(AttributeData data, string name, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        int value = Named(data, name, 0);
        if (value is not ((int)CellActivation.Tanh or (int)CellActivation.Identity))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownCellActivation, location, name, value));
            return CellActivation.Tanh;
        }

        return (CellActivation)value;
    }

    private static bool CheckSize(List<DiagnosticInfo> diagnostics, LocationInfo? location, string attribute, string argument, int value, int max)
    {
        if (value <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeNotPositive, location, attribute, argument, value));
            return false;
        }

        if (value > max)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooLarge, location, attribute, argument, value, max));
            return false;
        }

        return true;
    }

    private static int Int(AttributeData data, int index) =>
        index < data.ConstructorArguments.Length && data.ConstructorArguments[index].Value is int value ? value : 0;

    /// <summary>A named argument as an int (bools as 0/1, enums as their value), or the default when absent.</summary>
    private static int Named(AttributeData data, string name, int defaultValue)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value.Value switch
                {
                    bool b => b ? 1 : 0,
                    int i => i,
                    _ => defaultValue,
                };
            }
        }

        return defaultValue;
    }
}
