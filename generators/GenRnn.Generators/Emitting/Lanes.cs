namespace GenRnn.Generators.Emitting;

/// <summary>
/// Writes the same element-wise arithmetic for one vector width: 16 (Vector512), 8 (Vector256) or 1 (scalar tail).
/// The index variable is always <c>n</c>; expressions use operators, which Vector256/512 and float share.
/// </summary>
internal sealed class Lanes
{
    private Lanes(int width) => Width = width;

    public static readonly Lanes V512 = new(16);
    public static readonly Lanes V256 = new(8);
    public static readonly Lanes Scalar = new(1);

    public int Width { get; }

    public bool IsVector => Width > 1;

    private string Type => Width == 16 ? Names.Vector512 : Names.Vector256;

    /// <summary>The condition under which this width runs (a JIT-time constant).</summary>
    public string Available => Type + ".IsHardwareAccelerated";

    public string Load(string reference, string offset) => IsVector
        ? $"{Type}.LoadUnsafe(ref {reference}, (nuint)({offset}))"
        : $"{Names.Unsafe}.Add(ref {reference}, {offset})";

    public string Store(string reference, string offset, string value) => IsVector
        ? $"{Type}.StoreUnsafe({value}, ref {reference}, (nuint)({offset}));"
        : $"{Names.Unsafe}.Add(ref {reference}, {offset}) = {value};";

    public string Broadcast(string scalar) => IsVector ? $"{Type}.Create({scalar})" : scalar;

    public string Zero => IsVector ? $"{Type}<float>.Zero" : "0f";

    public string One => IsVector ? $"{Type}<float>.One" : "1f";

    public string Sigmoid(string x) => $"{Names.Activations}.Sigmoid({x})";

    public string Tanh(string x) => $"{Names.Activations}.Tanh({x})";

    public string Fma(string a, string b, string addend) => IsVector ? $"{Type}.FusedMultiplyAdd({a}, {b}, {addend})" : $"({a} * {b} + {addend})";

    /// <summary>The floats in the upper halves of bfloat16 words (exact: a bfloat16 is a float's upper half).</summary>
    public string HighHalves(string words) => IsVector
        ? $"{Type}.AsSingle({words} & {Type}.Create(0xFFFF0000u))"
        : $"global::System.BitConverter.UInt32BitsToSingle({words} & 0xFFFF0000u)";

    /// <summary>The floats in the lower halves of bfloat16 words.</summary>
    public string LowHalves(string words) => IsVector
        ? $"{Type}.AsSingle({Type}.ShiftLeft({words}, 16))"
        : $"global::System.BitConverter.UInt32BitsToSingle({words} << 16)";

    public string Sum(string v) => IsVector ? $"{Type}.Sum({v})" : v;
}
