using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GenRnn.Generators.Model;

/// <summary>Where a diagnostic points, as plain values (a Location would keep the syntax tree alive and break caching).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(SyntaxNode? node)
    {
        if (node is null)
        {
            return null;
        }

        return From(node.GetLocation());
    }

    public static LocationInfo From(Location location) =>
        new(location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan, location.GetLineSpan().Span);
}
