using System.Globalization;
using Xunit;

namespace GenRnn.Tests.Golden;

/// <summary>
/// Accepts an actual value a for an expected value e when |a - e| &lt;= <see cref="Relative"/> * |e| +
/// <see cref="Absolute"/>; failures name the quantity and the index.
/// </summary>
/// <param name="Relative">Allowed error relative to the expected magnitude.</param>
/// <param name="Absolute">Allowed error floor, for expected values near zero.</param>
public readonly record struct Tolerance(double Relative, double Absolute)
{
    /// <summary>For float32 code against the golden values: 1e-4 relative, 1e-5 absolute.</summary>
    public static Tolerance Float { get; } = new(1e-4, 1e-5);

    /// <summary>For double-precision code against the golden values: 1e-9 relative, 1e-12 absolute.</summary>
    public static Tolerance Double { get; } = new(1e-9, 1e-12);

    /// <summary>Whether <paramref name="actual"/> is close enough to <paramref name="expected"/> (never for NaN).</summary>
    public bool Accepts(double expected, double actual) => Math.Abs(actual - expected) <= Relative * Math.Abs(expected) + Absolute;

    /// <summary>Asserts one value.</summary>
    public void AssertClose(string quantity, double expected, double actual)
    {
        if (!Accepts(expected, actual))
        {
            Assert.Fail(Describe(quantity, expected, actual));
        }
    }

    /// <summary>Asserts equal lengths and every element.</summary>
    public void AssertClose(string quantity, ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        AssertLength(quantity, expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!Accepts(expected[i], actual[i]))
            {
                Assert.Fail(Describe($"{quantity}[{i}]", expected[i], actual[i]));
            }
        }
    }

    /// <summary>Asserts equal lengths and every element of a float result.</summary>
    public void AssertClose(string quantity, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        AssertLength(quantity, expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!Accepts(expected[i], actual[i]))
            {
                Assert.Fail(Describe($"{quantity}[{i}]", expected[i], actual[i]));
            }
        }
    }

    /// <summary>
    /// Asserts a flat parameter-layout buffer (parameters or gradients) against named tensors in PyTorch's layout;
    /// the tensors must cover every tensor of <paramref name="description"/> exactly once.
    /// </summary>
    public void AssertTensors(string quantity, ModelDescription description, IEnumerable<GoldenTensor> expected, ReadOnlySpan<double> actual)
    {
        AssertLength(quantity, description.ParameterCount, actual.Length);
        foreach ((ParameterTensor p, GoldenTensor e) in Match(description, expected))
        {
            for (int i = 0; i < e.Data.Length; i++)
            {
                double a = actual[p.FlatIndex(i)];
                if (!Accepts(e.Data[i], a))
                {
                    Assert.Fail(Describe($"{quantity} {p.Name}{Index(p, i)}", e.Data[i], a));
                }
            }
        }
    }

    /// <summary>As the double overload, for a float buffer (each float widened exactly to double).</summary>
    public void AssertTensors(string quantity, ModelDescription description, IEnumerable<GoldenTensor> expected, ReadOnlySpan<float> actual)
    {
        var widened = new double[actual.Length];
        for (int i = 0; i < actual.Length; i++)
        {
            widened[i] = actual[i];
        }

        AssertTensors(quantity, description, expected, widened);
    }

    private static List<(ParameterTensor Tensor, GoldenTensor Expected)> Match(ModelDescription description, IEnumerable<GoldenTensor> expected)
    {
        var byName = expected.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var pairs = new List<(ParameterTensor, GoldenTensor)>();
        foreach (ParameterTensor p in description.Tensors)
        {
            if (!byName.Remove(p.Name, out GoldenTensor? e))
            {
                Assert.Fail($"No expected values for tensor '{p.Name}' {p.ShapeText}.");
            }

            if (!e.Shape.AsSpan().SequenceEqual(p.Shape) || e.Data.Length != p.Length)
            {
                Assert.Fail($"Expected values for '{p.Name}' have shape [{string.Join(", ", e.Shape)}] ({e.Data.Length} values), the model's is {p.ShapeText}.");
            }

            pairs.Add((p, e));
        }

        if (byName.Count > 0)
        {
            Assert.Fail($"Expected values for tensors the model lacks: {string.Join(", ", byName.Keys)}.");
        }

        return pairs;
    }

    private static string Index(ParameterTensor p, int i)
        => p.Shape.Length == 2 ? $"[{i / p.Shape[1]}, {i % p.Shape[1]}]" : $"[{i}]";

    private static void AssertLength(string quantity, int expected, int actual)
    {
        if (expected != actual)
        {
            Assert.Fail($"{quantity}: expected {expected} values, got {actual}.");
        }
    }

    private string Describe(string quantity, double expected, double actual)
    {
        double allowed = Relative * Math.Abs(expected) + Absolute;
        return string.Create(CultureInfo.InvariantCulture, $"{quantity}: expected {expected:R}, got {actual:R} (|difference| {Math.Abs(actual - expected):E3} > {allowed:E3} = {Relative:G3}·|expected| + {Absolute:G3}).");
    }
}
