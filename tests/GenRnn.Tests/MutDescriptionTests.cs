using GenRnn.Interop;
using GenRnn.Tests.Golden;
using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests;

/// <summary>
/// What the runtime knows of MUT1-3 from their descriptions alone (src/GenRnn/Cells/MutFamily.cs): the tensors of the
/// golden file with their PyTorch names and shapes, the size rule, the safetensors round trip, the initialisers and
/// the ONNX refusal. Their equations are checked against PyTorch by VariantGoldenTests' reference theories.
/// </summary>
public sealed class MutDescriptionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("genrnn-mut-");

    public void Dispose() => _folder.Delete(recursive: true);

    public static TheoryData<CellKind, int, int> TensorRows => new()
    {
        // kind, rows of weight_ih, rows of weight_hh (in H): VARIANTS.md's (z, r) / (r, h), (z, h) / (z, r, h), (z, r, h) / (z, r, h)
        { CellKind.Mut1, 2, 2 },
        { CellKind.Mut2, 2, 3 },
        { CellKind.Mut3, 3, 3 },
    };

    [Theory]
    [MemberData(nameof(TensorRows))]
    public void Tensors_are_those_of_the_golden_file(CellKind kind, int inputBlocks, int recurrentBlocks)
    {
        ModelDescription d = ModelDescription.Create("m", 0, 0, [new LayerSpec(kind, 6, 6), new LayerSpec(kind, 6, 6)], 0, Activation.Identity);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_l0", "weight_ih_l1", "weight_hh_l1", "bias_l1"],
            d.Tensors.Select(t => t.Name));
        Assert.Equal([inputBlocks * 6, 6], d.Find("weight_ih_l0")!.Shape);
        Assert.Equal([recurrentBlocks * 6, 6], d.Find("weight_hh_l0")!.Shape);
        Assert.Equal([18], d.Find("bias_l0")!.Shape);
        Assert.Equal(12, d.StateSize);
        Assert.Equal(3, d.Layers[0].GateCount);
        Assert.False(d.Layers[0].HasCellState);
    }

    [Theory]
    [InlineData(CellKind.Mut1)]
    [InlineData(CellKind.Mut2)]
    public void Mut1_and_mut2_need_as_many_inputs_as_units(CellKind kind)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => ModelDescription.Create("m", 0, 0, [new LayerSpec(kind, 3, 5)], 0, Activation.Identity));
        Assert.Contains("input size (3) must equal its hidden size (5)", e.Message, StringComparison.Ordinal);

        // MUT3 multiplies x by W_x everywhere: any input size.
        Assert.Equal([15, 3], ModelDescription.Create("m", 0, 0, [new LayerSpec(CellKind.Mut3, 3, 5)], 0, Activation.Identity).Find("weight_ih_l0")!.Shape);
    }

    [Theory]
    [InlineData(CellKind.Mut1, "MUT1")]
    [InlineData(CellKind.Mut2, "MUT2")]
    [InlineData(CellKind.Mut3, "MUT3")]
    public void Onnx_export_refuses_naming_the_cell(CellKind kind, string name)
    {
        ModelDescription d = ModelDescription.Create("m", 0, 0, [new LayerSpec(kind, 4, 4)], 2, Activation.Identity);
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => Onnx.Serialize(d, new float[d.ParameterCount]));
        Assert.Contains($"layer 0 is a {name} layer", e.Message, StringComparison.Ordinal);
        Assert.Contains("ONNX has no operator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safetensors_round_trip_keeps_the_golden_names()
    {
        GoldenLayerCase g = GoldenData.Variants.LayerCase("shared-mut2-2layers");
        ModelDescription d = g.Describe();
        float[] parameters = g.ImportParameters(d);
        string path = Path.Combine(_folder.FullName, "mut2.safetensors");
        SafeTensors.Save(path, d, parameters);

        Assert.Equal(
            ["bias_l0", "bias_l1", "weight_hh_l0", "weight_hh_l1", "weight_ih_l0", "weight_ih_l1"],
            SafeTensors.Read(path).Tensors.Select(t => t.Name).Order());
        var loaded = new float[d.ParameterCount];
        SafeTensors.Load(path, d, loaded);
        Assert.Equal(parameters, loaded);
    }

    [Theory]
    [InlineData(CellKind.Mut1)]
    [InlineData(CellKind.Mut2)]
    [InlineData(CellKind.Mut3)]
    public void Initialisers_fill_every_tensor(CellKind kind)
    {
        ModelDescription d = ModelDescription.Create("m", 0, 0, [new LayerSpec(kind, 5, 5)], 2, Activation.Identity);
        var recommended = new float[d.ParameterCount];
        ParameterInitializer.Recommended(d, recommended, seed: 3);
        // Weights random, the one bias zero (z is an update gate, not a forget gate: no bias of 1).
        Assert.Contains(recommended[d.Find("weight_ih_l0")!.Offset..][..d.Find("weight_ih_l0")!.Length], v => v != 0f);
        Assert.Contains(recommended[d.Find("weight_hh_l0")!.Offset..][..d.Find("weight_hh_l0")!.Length], v => v != 0f);
        Assert.All(recommended[d.Find("bias_l0")!.Offset..][..d.Find("bias_l0")!.Length], v => Assert.Equal(0f, v));

        var pyTorch = new float[d.ParameterCount];
        ParameterInitializer.PyTorchDefault(d, pyTorch, seed: 3);
        Assert.All(pyTorch[d.Find("bias_l0")!.Offset..][..d.Find("bias_l0")!.Length], v => Assert.InRange(v, -1 / Math.Sqrt(5), 1 / Math.Sqrt(5)));
    }
}
