using GenRnn.Reference;
using GenRnn.Testing;
using Xunit;

namespace GenRnn.Tests;

// The reference's LSTM options (LstmVariant): every valid combination of [Lstm]'s options against finite differences
// of its own forward pass, and the combinations that conflict refused with the fix.
public sealed partial class ReferenceModelTests
{
    /// <summary>Every combination of the seven options, valid or not.</summary>
    internal static IEnumerable<LstmOptions> AllLstmOptions() =>
        Enumerable.Range(0, LstmOptionCombinations.Count).Select(LstmOptionCombinations.Of);

    public static TheoryData<int> ValidLstmOptions
    {
        get
        {
            var data = new TheoryData<int>();
            int bits = 0;
            foreach (LstmOptions o in AllLstmOptions())
            {
                if (o.Conflict is null)
                {
                    data.Add(bits);
                }

                bits++;
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ValidLstmOptions))]
    public void LstmOptionGradientsMatchFiniteDifferences(int bits)
    {
        LstmOptions options = AllLstmOptions().ElementAt(bits);
        ModelDescription d = ModelDescription.Create(
            $"lstm-{options.Arguments()}", 0, 0, [new LayerSpec(CellKind.LstmVariant, 3, 4, options), new LayerSpec(CellKind.LstmVariant, 4, 5, options)], 3, Activation.Tanh);
        Assert.Equal(options, d.Layers[0].LstmOptions);
        AssertFiniteDifferences(d, new Random(5000 + bits), InputKind.Vectors);
    }

    [Fact]
    public void OptionsOfANamedKindDescribeThatKind()
    {
        ModelDescription d = ModelDescription.Create("m", 0, 0, [new LayerSpec(CellKind.LstmVariant, 3, 4, new LstmOptions { ForgetGate = false })], 0, Activation.Identity);
        Assert.Equal(CellKind.LstmNoForgetGate, d.Layers[0].Cell);
        Assert.Null(d.Layers[0].Lstm);
        Assert.Equal(new LstmOptions { ForgetGate = false }, d.Layers[0].LstmOptions);
    }

    [Fact]
    public void ConflictingOptionsAreRefusedWithTheFix()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelDescription.Create(
            "m", 0, 0, [new LayerSpec(CellKind.LstmVariant, 3, 4, new LstmOptions { CoupledGates = true, InputGate = false })], 0, Activation.Identity));
        Assert.Contains("remove InputGate = false or CoupledGates = true", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelDescription.Create("m", 0, 0, [new LayerSpec(CellKind.LstmVariant, 3, 4)], 0, Activation.Identity));
        Assert.Throws<ArgumentException>(() => ModelDescription.Create("m", 0, 0, [new LayerSpec(CellKind.Gru, 3, 4, LstmOptions.Default)], 0, Activation.Identity));
    }

    [Fact]
    public void EachOptionChangesTheTensorsAsVariantsMdSays()
    {
        static string[] Names(LstmOptions o) =>
            ModelDescription.Create("m", 0, 0, [new LayerSpec(CellKind.LstmVariant, 3, 4, o)], 0, Activation.Identity).Tensors.Select(t => $"{t.Name}{string.Concat(t.Shape.Select(s => $":{s}"))}").ToArray();

        Assert.Equal(["weight_ih_l0:12:3", "weight_hh_l0:12:4", "bias_ih_l0:12", "bias_hh_l0:12", "peephole_i_l0:4", "peephole_o_l0:4"], Names(new LstmOptions { CoupledGates = true, Peepholes = true }));
        Assert.Equal(["weight_ih_l0:12:3", "weight_hh_l0:12:4", "bias_ih_l0:12", "bias_hh_l0:12", "peephole_f_l0:4", "peephole_o_l0:4"], Names(new LstmOptions { InputGate = false, Peepholes = true }));
        Assert.Equal(["weight_ih_l0:12:3", "weight_hh_l0:12:4", "bias_ih_l0:12", "bias_hh_l0:12"], Names(new LstmOptions { OutputGate = false }));
        Assert.Equal(["weight_ih_l0:16:3", "weight_hh_l0:16:4", "bias_ih_l0:16", "bias_hh_l0:16"], Names(new LstmOptions { CellOutputActivation = CellActivation.Identity }));
    }
}
