using Microsoft.CodeAnalysis;

namespace GenRnn.Generators.Diagnostics;

/// <summary>Every diagnostic the generator reports. Ids are listed in AnalyzerReleases.Unshipped.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "GenRnn";

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "GRNN001",
        "Model class must be partial",
        "The model class '{0}' must be declared 'partial' so GenRnn can add its generated members");

    public static readonly DiagnosticDescriptor SizeNotPositive = Error(
        "GRNN002",
        "Layer size must be positive",
        "[{0}] has {1} = {2}; it must be at least 1");

    public static readonly DiagnosticDescriptor InputSizeMismatch = Error(
        "GRNN003",
        "Layer input size differs from the previous layer's output size",
        "[{0}] is declared with inputSize {1}, but the layer before it ({2}) gives {3} floats per step; use inputSize: {3}");

    public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error(
        "GRNN004",
        "Embedding must be the first and only embedding layer",
        "[Embedding] must come first, before every recurrent layer, and a model may have only one; move or remove this one");

    public static readonly DiagnosticDescriptor DenseNotLast = Error(
        "GRNN005",
        "Dense must be the last layer",
        "[Dense] must come last, after every recurrent layer, and a model may have only one; move or remove this one");

    public static readonly DiagnosticDescriptor NoRecurrentLayer = Error(
        "GRNN006",
        "Model has no recurrent layer",
        "The model '{0}' has no recurrent layer; add at least one [Rnn], [Lstm] or [Gru] attribute");

    public static readonly DiagnosticDescriptor NestedType = Error(
        "GRNN007",
        "Model class cannot be nested",
        "The model class '{0}' is nested inside '{1}'; declare it directly in a namespace");

    public static readonly DiagnosticDescriptor GenericType = Error(
        "GRNN008",
        "Model class cannot be generic",
        "The model class '{0}' has type parameters; a model's sizes are fixed, declare it without type parameters");

    public static readonly DiagnosticDescriptor ConflictingOptions = Error(
        "GRNN009",
        "Conflicting layer options",
        "[{0}] {1}");

    public static readonly DiagnosticDescriptor UnsupportedTypeKind = Error(
        "GRNN010",
        "Model must be a non-static, non-abstract class",
        "'{0}' is {1}; [RecurrentModel] needs a non-static, non-abstract class");

    public static readonly DiagnosticDescriptor NoParameterlessConstructor = Error(
        "GRNN011",
        "Model class needs a parameterless constructor",
        "The model class '{0}' declares constructors but none without parameters; add a public parameterless constructor (the trainer creates models through it)");

    public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Error(
        "GRNN012",
        "Layers are declared on several partial declarations",
        "The layers of '{0}' are spread over several partial declarations, so their order is ambiguous; declare all layer attributes on one declaration");

    public static readonly DiagnosticDescriptor SoftmaxOfOne = Warning(
        "GRNN013",
        "Softmax over a single output",
        "[Dense] with Activation.Softmax and outputSize 1 always outputs 1 and learns nothing; use Activation.Sigmoid for a single probability");

    public static readonly DiagnosticDescriptor TooLarge = Error(
        "GRNN014",
        "Model is too large",
        "[{0}] has {1} = {2}, above the largest supported value {3}");

    public static readonly DiagnosticDescriptor LayerWithoutModel = Error(
        "GRNN015",
        "Layer attribute without [RecurrentModel]",
        "'{0}' has layer attributes but no [RecurrentModel]; add [RecurrentModel] so GenRnn generates the model");

    public static readonly DiagnosticDescriptor UnknownActivation = Error(
        "GRNN016",
        "Unknown head activation",
        "[Dense] has Activation = {0}, which is not an Activation member; use Activation.Identity, Activation.Tanh, Activation.Sigmoid or Activation.Softmax");

    public static readonly DiagnosticDescriptor InvalidTuning = Error(
        "GRNN017",
        "Invalid tuning option",
        "[RecurrentModel] has {0} = {1}; {2}");

    public static readonly DiagnosticDescriptor NothingToSplit = Warning(
        "GRNN018",
        "Cores = 2 has no layer to split",
        "[RecurrentModel] has Cores = 2, but no layer of '{0}' can be split between two cores (a layer needs 128 gate rows or more and must not be a reset-before GRU), so every step runs on one core; remove Cores = 2");

    public static readonly DiagnosticDescriptor MemberNameClash = Error(
        "GRNN019",
        "Member has the name of a generated member",
        "'{0}' in the model class '{1}' has the name of {2} that GenRnn generates, so the generated code would not compile; rename it");

    public static readonly DiagnosticDescriptor UnknownCellActivation = Error(
        "GRNN020",
        "Unknown LSTM cell activation",
        "[Lstm] has {0} = {1}, which is not a CellActivation member; use CellActivation.Tanh or CellActivation.Identity");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
