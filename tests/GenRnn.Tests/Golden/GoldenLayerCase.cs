using System.Text.Json.Serialization;

namespace GenRnn.Tests.Golden;

/// <summary>
/// A layer case: one or two stacked recurrent layers without a head. Loss = sum(y⊙dy) + Σ_l sum(hT_l⊙dhT_l) +
/// Σ_l sum(cT_l⊙dcT_l).
/// </summary>
public sealed class GoldenLayerCase : GoldenCellCase
{
    /// <summary>I, inputs per step of the bottom layer.</summary>
    public required int InputSize { get; init; }

    /// <summary>H of every layer.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Number of stacked layers.</summary>
    public required int Layers { get; init; }

    /// <summary>T.</summary>
    public required int Steps { get; init; }

    /// <summary>The loss, in words.</summary>
    public required string LossDefinition { get; init; }

    /// <summary>Per layer.</summary>
    public required GoldenLayerParams[] Params { get; init; }

    /// <summary>[T][I] inputs.</summary>
    public required double[][] X { get; init; }

    /// <summary>[layers][H] initial hidden states.</summary>
    public required double[][] H0 { get; init; }

    /// <summary>[layers][H] initial cell states (LSTMs).</summary>
    public double[][]? C0 { get; init; }

    /// <summary>[T][H] upstream gradients of the top layer's outputs.</summary>
    public required double[][] Dy { get; init; }

    /// <summary>[layers][H] upstream gradients of the final hidden states.</summary>
    [JsonPropertyName("dhT")]
    public required double[][] DhT { get; init; }

    /// <summary>[layers][H] upstream gradients of the final cell states (LSTMs).</summary>
    [JsonPropertyName("dcT")]
    public double[][]? DcT { get; init; }

    /// <summary>[T][H] expected outputs (the top layer's h).</summary>
    public required double[][] Y { get; init; }

    /// <summary>[layers][H] expected final hidden states.</summary>
    [JsonPropertyName("hT")]
    public required double[][] HT { get; init; }

    /// <summary>[layers][H] expected final cell states (LSTMs).</summary>
    [JsonPropertyName("cT")]
    public double[][]? CT { get; init; }

    /// <summary>Expected loss.</summary>
    public required double Loss { get; init; }

    /// <summary>Expected parameter gradients, per layer.</summary>
    public required GoldenLayerParams[] GradParams { get; init; }

    /// <summary>[T][I] expected input gradients.</summary>
    public required double[][] GradX { get; init; }

    /// <summary>[layers][H] expected initial hidden state gradients.</summary>
    public required double[][] GradH0 { get; init; }

    /// <summary>[layers][H] expected initial cell state gradients (LSTMs).</summary>
    public double[][]? GradC0 { get; init; }

    /// <summary>[layers][3H] the previous gates of a gate-recurrent (FGR) LSTM at the start (variants file).</summary>
    public double[][]? Gates0 { get; init; }

    /// <summary>[layers][3H] upstream gradients of the final gates (FGR).</summary>
    [JsonPropertyName("dgatesT")]
    public double[][]? DgatesT { get; init; }

    /// <summary>[layers][3H] expected final gates (FGR).</summary>
    [JsonPropertyName("gatesT")]
    public double[][]? GatesT { get; init; }

    /// <summary>[layers][3H] expected gradients of the initial gates (FGR).</summary>
    public double[][]? GradGates0 { get; init; }

    /// <summary>The stacked layers, without embedding or head.</summary>
    public ModelDescription Describe()
    {
        var layers = new LayerSpec[Layers];
        for (int l = 0; l < Layers; l++)
        {
            layers[l] = new LayerSpec(Cell, l == 0 ? InputSize : HiddenSize, HiddenSize, Lstm);
        }

        return ModelDescription.Create(Name, 0, 0, layers, 0, Activation.Identity);
    }

    /// <summary>Every parameter with the model's names.</summary>
    public IEnumerable<GoldenTensor> ParameterTensors() => Params.SelectMany((p, l) => p.Tensors(l));

    /// <summary>Every expected parameter gradient with the model's names.</summary>
    public IEnumerable<GoldenTensor> GradientTensors() => GradParams.SelectMany((p, l) => p.Tensors(l));

    /// <summary>The parameters in <paramref name="description"/>'s flat layout.</summary>
    public float[] ImportParameters(ModelDescription description) => GoldenTensor.Import(description, ParameterTensors());

    /// <summary>[T * I] the inputs as floats (exact).</summary>
    public float[] Inputs() => GoldenData.FlattenToFloat(X);

    /// <summary>The flat initial state (h0, c0).</summary>
    public double[] InitialState(ModelDescription description) => GoldenData.FlatState(description, H0, C0);

    /// <summary>The expected flat final state (hT, cT).</summary>
    public double[] FinalState(ModelDescription description) => GoldenData.FlatState(description, HT, CT);

    /// <summary>The upstream gradient of the flat final state (dhT, dcT).</summary>
    public double[] FinalStateGradient(ModelDescription description) => GoldenData.FlatState(description, DhT, DcT);

    /// <summary>The expected gradient of the flat initial state (grad_h0, grad_c0).</summary>
    public double[] InitialStateGradient(ModelDescription description) => GoldenData.FlatState(description, GradH0, GradC0);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
