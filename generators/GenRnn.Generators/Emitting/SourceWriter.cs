using System;
using System.Text;

namespace GenRnn.Generators.Emitting;

/// <summary>Writes indented C# text; <see cref="ToString"/> checks that every block was closed.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();

    /// <summary>The vector widths (in floats, widest first) the code written here may use.</summary>
    public Lanes[] VectorLanes { get; set; } = { Lanes.V512, Lanes.V256 };

    /// <summary>
    /// While a layer's backward step is written: the bool expression that reverses the order in which a whole
    /// transposed product reads W_hh on alternate steps (CellEmitter.GemvTransposed), or null outside it and for layers
    /// that do not sweep.
    /// </summary>
    public string? BackwardSweep { get; set; }
    private int _indent;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4);
        }

        _text.Append(line).Append('\n');
    }

    public void Open(string? header = null)
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    public override string ToString()
    {
        if (_indent != 0)
        {
            throw new InvalidOperationException($"Unbalanced blocks in generated source (indentation {_indent}).");
        }

        return _text.ToString();
    }
}
