using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenRnn.Tests.Golden;

/// <summary>A golden tensor in PyTorch's row-major layout, in double precision.</summary>
/// <param name="Name">The model's name for it, e.g. <c>weight_ih_l0</c>, <c>embedding.weight</c>, <c>head.bias</c>.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Data">Its elements, row-major.</param>
public sealed record GoldenTensor(string Name, int[] Shape, double[] Data)
{
    /// <summary>A matrix from its rows.</summary>
    public static GoldenTensor Matrix(string name, double[][] rows)
        => new(name, [rows.Length, rows.Length == 0 ? 0 : rows[0].Length], GoldenData.Flatten(rows));

    /// <summary>A vector.</summary>
    public static GoldenTensor Vector(string name, double[] values) => new(name, [values.Length], values);

    /// <summary>The tensor rounded to float, as <see cref="PyTorchLayout.Import"/> takes it.</summary>
    public NamedTensor ToNamedTensor() => new(Name, (int[])Shape.Clone(), Data.Select(v => (float)v).ToArray());

    /// <summary>Loads <paramref name="tensors"/> (all of the model's, by name) into a new flat float buffer with <see cref="PyTorchLayout.Import"/>.</summary>
    public static float[] Import(ModelDescription description, IEnumerable<GoldenTensor> tensors)
    {
        var parameters = new float[description.ParameterCount];
        PyTorchLayout.Import(description, tensors.Select(t => t.ToNamedTensor()), parameters);
        return parameters;
    }
}

/// <summary>The tensors of one recurrent layer (or their gradients), in PyTorch's layout.</summary>
public sealed class GoldenLayerParams
{
    /// <summary>[G*H][I].</summary>
    public required double[][] WeightIh { get; init; }

    /// <summary>[G*H][H].</summary>
    public required double[][] WeightHh { get; init; }

    /// <summary>[G*H] (absent for the MUT cells of the variants file, which have one bias).</summary>
    public double[]? BiasIh { get; init; }

    /// <summary>[G*H] (absent for the MUT cells).</summary>
    public double[]? BiasHh { get; init; }

    /// <summary>
    /// The variants file's other tensors (weight_gg, weight_hr, bias, and the *_reverse ones of bidirectional layers),
    /// kept as they are; <see cref="Tensors"/> names them as PyTorch does.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Others { get; init; }

    /// <summary>[H] peephole LSTMs only.</summary>
    public double[]? PeepholeI { get; init; }

    /// <summary>[H] peephole LSTMs only.</summary>
    public double[]? PeepholeF { get; init; }

    /// <summary>[H] peephole LSTMs only.</summary>
    public double[]? PeepholeO { get; init; }

    /// <summary>The tensors with the model's names for layer <paramref name="layer"/> (<c>weight_ih_l0</c>, ...).</summary>
    public IEnumerable<GoldenTensor> Tensors(int layer)
    {
        yield return GoldenTensor.Matrix($"weight_ih_l{layer}", WeightIh);
        yield return GoldenTensor.Matrix($"weight_hh_l{layer}", WeightHh);
        if (BiasIh is not null)
        {
            yield return GoldenTensor.Vector($"bias_ih_l{layer}", BiasIh);
        }

        if (BiasHh is not null)
        {
            yield return GoldenTensor.Vector($"bias_hh_l{layer}", BiasHh);
        }
        if (PeepholeI is not null)
        {
            yield return GoldenTensor.Vector($"peephole_i_l{layer}", PeepholeI);
        }

        if (PeepholeF is not null)
        {
            yield return GoldenTensor.Vector($"peephole_f_l{layer}", PeepholeF);
        }

        if (PeepholeO is not null)
        {
            yield return GoldenTensor.Vector($"peephole_o_l{layer}", PeepholeO);
        }

        foreach ((string key, JsonElement value) in Others ?? [])
        {
            // weight_ih_reverse is PyTorch's weight_ih_l0_reverse.
            string name = key.EndsWith("_reverse", StringComparison.Ordinal) ? $"{key[..^"_reverse".Length]}_l{layer}_reverse" : $"{key}_l{layer}";
            yield return value[0].ValueKind == JsonValueKind.Array
                ? GoldenTensor.Matrix(name, value.Deserialize<double[][]>()!)
                : GoldenTensor.Vector(name, value.Deserialize<double[]>()!);
        }
    }
}
