using System.Globalization;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// An offset into one of a model's flat buffers (parameters, state, step record) as generated code writes it: a plain
/// number, a named constant of the model (<c>L0BiasIh</c>, see ModelLayout), or a sum of them and a number
/// (<c>L1WeightHh + 1088</c>, <c>TraceHeader + L0RecordH - StepRecordSize</c>). <see cref="ToString"/> is that C#
/// expression and <see cref="Value"/> what it adds up to. Names make the generated code readable while debugging; the
/// sums are constant expressions the C# compiler folds, so the compiled code is that of the bare number.
/// </summary>
internal readonly struct Offset
{
    private readonly string? _names; // the named constants with their signs ("A + B - C"), or null
    private readonly bool _compound; // whether _names has more than one term
    private readonly int _number; // added to the names; the whole offset when there are none

    private Offset(string? names, bool compound, int number, int value)
    {
        _names = names;
        _compound = compound;
        _number = number;
        Value = value;
    }

    /// <summary>The number the expression adds up to.</summary>
    public int Value { get; }

    /// <summary>Whether this is the plain number 0 (a reference plus it is the reference itself).</summary>
    public bool IsZero => _names is null && _number == 0;

    /// <summary>The model's constant <paramref name="name"/>, declared as <paramref name="value"/>.</summary>
    public static Offset Named(string name, int value) => new(name, compound: false, 0, value);

    /// <summary>A plain number.</summary>
    public static implicit operator Offset(int value) => new(null, compound: false, value, value);

    public static Offset operator +(Offset a, Offset b)
    {
        string? names = a._names is null ? b._names : b._names is null ? a._names : $"{a._names} + {b._names}";
        bool compound = a._compound || b._compound || (a._names is not null && b._names is not null);
        return new Offset(names, compound, unchecked(a._number + b._number), unchecked(a.Value + b.Value));
    }

    public static Offset operator -(Offset a, Offset b)
    {
        string? right = b._names is null ? null : b._compound ? $"({b._names})" : b._names;
        string? names = right is null ? a._names : a._names is null ? "-" + right : $"{a._names} - {right}";
        bool compound = a._compound || b._compound || (a._names is not null && b._names is not null);
        return new Offset(names, compound, unchecked(a._number - b._number), unchecked(a.Value - b.Value));
    }

    /// <summary>The C# expression: the names, then the number unless it is 0.</summary>
    public override string ToString() =>
        _names is null ? Number(_number)
        : _number == 0 ? _names
        : _number > 0 ? $"{_names} + {Number(_number)}"
        : $"{_names} - {Number(-_number)}";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
