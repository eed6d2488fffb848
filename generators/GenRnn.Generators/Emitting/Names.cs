using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace GenRnn.Generators.Emitting;

/// <summary>Fully qualified names used by generated code, so user usings and type names never clash with it.</summary>
internal static class Names
{
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    public const string Vector256 = "global::System.Runtime.Intrinsics.Vector256";
    public const string Vector512 = "global::System.Runtime.Intrinsics.Vector512";
    public const string Activations = "global::GenRnn.Activations";
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Trace = "global::GenRnn.Trace";

    /// <summary>The runtime's argument checks for generated code (one copy for every model, not one per model).</summary>
    public const string Arguments = "global::GenRnn.CompilerServices.ModelArguments";
    public const string MethodImpl = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    /// <summary>
    /// Declares a stack buffer of <paramref name="length"/> floats starting on a 64-byte boundary, so that its
    /// Vector512 loads and stores each touch one cache line.
    /// </summary>
    public static string AlignedStack(string name, string length) =>
        $"{Span} {name} = global::GenRnn.AlignedArray.Slice(stackalloc float[{length} + global::GenRnn.AlignedArray.Padding], {length});";

    /// <summary>A name as it must be written in code: keywords (a class <c>@class</c>) get their '@' back.</summary>
    public static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;

    /// <summary>A dotted namespace name with each part written as <see cref="Identifier"/>.</summary>
    public static string Qualified(string name) => string.Join(".", name.Split('.').Select(Identifier));

    /// <summary>What a switch over the cell kinds throws for a kind it does not know: a bug in the generator, never a guess.</summary>
    public static System.InvalidOperationException UnknownCell(CellKind cell) =>
        new($"GenRnn's emitter has no code for the cell kind {cell}.");
}
