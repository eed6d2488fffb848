using GenRnn.Tests.Golden;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

/// <summary>
/// The generated float32 code against the PyTorch vectors of Golden/pytorch-golden-variants.json, for every case whose
/// cell GenRnn has (not yet: bidirectional layers, projection and FGR; MUT1-3 by the float64 reference only, not generated yet).
/// The checks are GoldenTests' own: outputs, final states, loss and every gradient.
/// </summary>
public sealed class VariantGoldenTests
{
    /// <summary>Each supported layer case, with its generated models (one per vector width for new cells).</summary>
    private static readonly Dictionary<string, Action<GoldenLayerCase, GoldenTests.ParameterSource?>[]> LayerModels = new()
    {
        ["shared-lstm-V-3x5x7"] = [GoldenTests.RunLayerCase<PeepholeLstm3x5>, GoldenTests.RunLayerCase<PeepholeLstm3x5W256>, GoldenTests.RunLayerCase<PeepholeLstm3x5W32>],
        ["shared-lstm-V-8x16x6"] = [GoldenTests.RunLayerCase<PeepholeLstm8x16>, GoldenTests.RunLayerCase<PeepholeLstm8x16W256>, GoldenTests.RunLayerCase<PeepholeLstm8x16W32>],
        ["shared-lstm-V-2layers"] = [GoldenTests.RunLayerCase<PeepholeLstmTwoLayers>, GoldenTests.RunLayerCase<PeepholeLstmTwoLayersW256>, GoldenTests.RunLayerCase<PeepholeLstmTwoLayersW32>],
        ["shared-lstm-NP-3x5x7"] = [GoldenTests.RunLayerCase<Lstm3x5>, GoldenTests.RunLayerCase<Lstm3x5W256>, GoldenTests.RunLayerCase<Lstm3x5W32>],
        ["shared-lstm-NP-8x16x6"] = [GoldenTests.RunLayerCase<Lstm8x16>, GoldenTests.RunLayerCase<Lstm8x16W256>, GoldenTests.RunLayerCase<Lstm8x16W32>],
        ["shared-lstm-NP-2layers"] = [GoldenTests.RunLayerCase<LstmTwoLayers>, GoldenTests.RunLayerCase<LstmTwoLayersW256>, GoldenTests.RunLayerCase<LstmTwoLayersW32>],
        ["shared-lstm-NIG-3x5x7"] = [GoldenTests.RunLayerCase<Nig3x5>, GoldenTests.RunLayerCase<Nig3x5W256>, GoldenTests.RunLayerCase<Nig3x5W32>],
        ["shared-lstm-NIG-8x16x6"] = [GoldenTests.RunLayerCase<Nig8x16>, GoldenTests.RunLayerCase<Nig8x16W256>, GoldenTests.RunLayerCase<Nig8x16W32>],
        ["shared-lstm-NIG-2layers"] = [GoldenTests.RunLayerCase<NigTwoLayers>, GoldenTests.RunLayerCase<NigTwoLayersW256>, GoldenTests.RunLayerCase<NigTwoLayersW32>],
        ["shared-lstm-NFG-3x5x7"] = [GoldenTests.RunLayerCase<Nfg3x5>, GoldenTests.RunLayerCase<Nfg3x5W256>, GoldenTests.RunLayerCase<Nfg3x5W32>],
        ["shared-lstm-NFG-8x16x6"] = [GoldenTests.RunLayerCase<Nfg8x16>, GoldenTests.RunLayerCase<Nfg8x16W256>, GoldenTests.RunLayerCase<Nfg8x16W32>],
        ["shared-lstm-NFG-2layers"] = [GoldenTests.RunLayerCase<NfgTwoLayers>, GoldenTests.RunLayerCase<NfgTwoLayersW256>, GoldenTests.RunLayerCase<NfgTwoLayersW32>],
        ["shared-lstm-NOG-3x5x7"] = [GoldenTests.RunLayerCase<Nog3x5>, GoldenTests.RunLayerCase<Nog3x5W256>, GoldenTests.RunLayerCase<Nog3x5W32>],
        ["shared-lstm-NOG-8x16x6"] = [GoldenTests.RunLayerCase<Nog8x16>, GoldenTests.RunLayerCase<Nog8x16W256>, GoldenTests.RunLayerCase<Nog8x16W32>],
        ["shared-lstm-NOG-2layers"] = [GoldenTests.RunLayerCase<NogTwoLayers>, GoldenTests.RunLayerCase<NogTwoLayersW256>, GoldenTests.RunLayerCase<NogTwoLayersW32>],
        ["shared-lstm-NIAF-3x5x7"] = [GoldenTests.RunLayerCase<Niaf3x5>, GoldenTests.RunLayerCase<Niaf3x5W256>, GoldenTests.RunLayerCase<Niaf3x5W32>],
        ["shared-lstm-NIAF-8x16x6"] = [GoldenTests.RunLayerCase<Niaf8x16>, GoldenTests.RunLayerCase<Niaf8x16W256>, GoldenTests.RunLayerCase<Niaf8x16W32>],
        ["shared-lstm-NIAF-2layers"] = [GoldenTests.RunLayerCase<NiafTwoLayers>, GoldenTests.RunLayerCase<NiafTwoLayersW256>, GoldenTests.RunLayerCase<NiafTwoLayersW32>],
        ["shared-lstm-NOAF-3x5x7"] = [GoldenTests.RunLayerCase<Noaf3x5>, GoldenTests.RunLayerCase<Noaf3x5W256>, GoldenTests.RunLayerCase<Noaf3x5W32>],
        ["shared-lstm-NOAF-8x16x6"] = [GoldenTests.RunLayerCase<Noaf8x16>, GoldenTests.RunLayerCase<Noaf8x16W256>, GoldenTests.RunLayerCase<Noaf8x16W32>],
        ["shared-lstm-NOAF-2layers"] = [GoldenTests.RunLayerCase<NoafTwoLayers>, GoldenTests.RunLayerCase<NoafTwoLayersW256>, GoldenTests.RunLayerCase<NoafTwoLayersW32>],
        ["shared-lstm-CIFG-3x5x7"] = [GoldenTests.RunLayerCase<Cifg3x5>, GoldenTests.RunLayerCase<Cifg3x5W256>, GoldenTests.RunLayerCase<Cifg3x5W32>],
        ["shared-lstm-CIFG-8x16x6"] = [GoldenTests.RunLayerCase<Cifg8x16>, GoldenTests.RunLayerCase<Cifg8x16W256>, GoldenTests.RunLayerCase<Cifg8x16W32>],
        ["shared-lstm-CIFG-2layers"] = [GoldenTests.RunLayerCase<CifgTwoLayers>, GoldenTests.RunLayerCase<CifgTwoLayersW256>, GoldenTests.RunLayerCase<CifgTwoLayersW32>],
        ["shared-lstm-IDEA-3x5x7"] = [GoldenTests.RunLayerCase<Gateless3x5>, GoldenTests.RunLayerCase<Gateless3x5W256>, GoldenTests.RunLayerCase<Gateless3x5W32>],
        ["shared-lstm-IDEA-8x16x6"] = [GoldenTests.RunLayerCase<Gateless8x16>, GoldenTests.RunLayerCase<Gateless8x16W256>, GoldenTests.RunLayerCase<Gateless8x16W32>],
        ["shared-lstm-IDEA-2layers"] = [GoldenTests.RunLayerCase<GatelessTwoLayers>, GoldenTests.RunLayerCase<GatelessTwoLayersW256>, GoldenTests.RunLayerCase<GatelessTwoLayersW32>],
    };

    /// <summary>
    /// The cases whose cell the float64 reference has but the generator does not emit yet (MUT1-3): checked by the
    /// reference alone below, and listed apart so that EveryCaseWithACellIsChecked still says what is not generated.
    /// </summary>
    private static readonly string[] ReferenceOnlyLayerCases =
    [
        "shared-mut1-5x5x7", "shared-mut1-2layers", "shared-mut2-5x5x7", "shared-mut2-2layers",
        "shared-mut3-5x5x7", "shared-mut3-2layers", "shared-mut3-8x16x6",
    ];

    /// <summary>The model cases the reference alone checks (MUT2, not generated yet).</summary>
    private static readonly string[] ReferenceOnlyModelCases = ["shared-mut2-lm", "shared-mut2-clf"];

    /// <summary>Each supported model case with its generated model.</summary>
    private static readonly Dictionary<string, Action<GoldenModelCase, GoldenTests.ParameterSource?>> ModelModels = new()
    {
        ["shared-idea-lm"] = GoldenTests.RunModelCase<GatelessLm>,
        ["shared-cifg-lm"] = GoldenTests.RunModelCase<CifgLm>,
        ["shared-cifg-clf"] = GoldenTests.RunModelCase<CifgClf>,
        ["shared-idea-clf"] = GoldenTests.RunModelCase<GatelessClf>,
    };

    public static TheoryData<string> LayerCases => Names(LayerModels.Keys);

    public static TheoryData<string> ModelCases => Names(ModelModels.Keys);

    /// <summary>Every layer case with a cell, generated or not: the reference checks them all.</summary>
    public static TheoryData<string> ReferenceLayerCases => Names(LayerModels.Keys.Concat(ReferenceOnlyLayerCases));

    /// <summary>Every model case with a cell, generated or not.</summary>
    public static TheoryData<string> ReferenceModelCases => Names(ModelModels.Keys.Concat(ReferenceOnlyModelCases));

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void LayerCaseMatchesPyTorch(string name)
    {
        GoldenLayerCase c = GoldenData.Variants.LayerCase(name);
        foreach (Action<GoldenLayerCase, GoldenTests.ParameterSource?> run in LayerModels[name])
        {
            run(c, null);
        }
    }

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void ModelCaseMatchesPyTorch(string name) => ModelModels[name](GoldenData.Variants.ModelCase(name), null);

    [Theory]
    [MemberData(nameof(ReferenceLayerCases))]
    public void ReferenceLayerCaseMatchesPyTorch(string name) => ReferenceModelTests.AssertLayerCase(GoldenData.Variants.LayerCase(name));

    [Theory]
    [MemberData(nameof(ReferenceModelCases))]
    public void ReferenceModelCaseMatchesPyTorch(string name) => ReferenceModelTests.AssertModelCaseLogits(GoldenData.Variants.ModelCase(name));

    /// <summary>
    /// Every case whose cell GenRnn has is checked above, so a new kind that the file covers cannot go unchecked; the
    /// rest are exactly the cells and layer forms GenRnn does not have yet.
    /// </summary>
    [Fact]
    public void EveryCaseWithACellIsChecked()
    {
        string[] withCell = GoldenData.Variants.LayerCases.Where(c => c.Kind is not null && !c.Bidirectional).Select(c => c.Name).Order().ToArray();
        Assert.Equal(withCell, LayerModels.Keys.Concat(ReferenceOnlyLayerCases).Order());
        string[] modelsWithCell = GoldenData.Variants.ModelCases.Where(c => c.Kind is not null && !c.Bidirectional).Select(c => c.Name).Order().ToArray();
        Assert.Equal(modelsWithCell, ModelModels.Keys.Concat(ReferenceOnlyModelCases).Order());
        Assert.Equal(53, GoldenData.Variants.LayerCases.Count);

        // Every LSTM layer case runs at the three vector widths (512, 256, 32).
        Assert.All(LayerModels, c => Assert.True(c.Value.Length == 3, $"{c.Key} runs at {c.Value.Length} widths"));
    }

    private static TheoryData<string> Names(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (string name in names.Order())
        {
            data.Add(name);
        }

        return data;
    }
}
