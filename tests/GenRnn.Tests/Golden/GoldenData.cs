using System.Text.Json;
using System.Text.Json.Serialization;
using Xunit;

namespace GenRnn.Tests.Golden;

/// <summary>
/// The PyTorch reference vectors of <c>Golden/pytorch-golden.json</c> (format <c>genrnn-golden-1</c>; the equations,
/// layouts and loss definitions are in <c>Golden/README.md</c>). Load once through <see cref="Instance"/>.
/// </summary>
/// <remarks>
/// Values are kept as doubles exactly as stored. Weights and inputs are float32 values written with about 17
/// decimals, so converting them to float recovers PyTorch's float32 numbers exactly.
/// </remarks>
public sealed class GoldenData
{
    private static readonly Lazy<GoldenData> s_instance = new(() => Load(DefaultPath));

    /// <summary>Options that read the file strictly: snake_case names, no unknown or missing members.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        Converters = { new CellKindConverter() },
    };

    /// <summary>The file copied next to the test assembly.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Golden", "pytorch-golden.json");

    /// <summary>The golden file, loaded on first use.</summary>
    public static GoldenData Instance => s_instance.Value;

    /// <summary>File format, <c>genrnn-golden-1</c>.</summary>
    public required string Format { get; init; }

    /// <summary>What computed the values.</summary>
    public required string Generator { get; init; }

    /// <summary>The parameter layout, in words.</summary>
    public required string Layout { get; init; }

    /// <summary>One or two stacked recurrent layers without a head, with arbitrary upstream gradients.</summary>
    public required IReadOnlyList<GoldenLayerCase> LayerCases { get; init; }

    /// <summary>Embedding, one recurrent layer, linear head, softmax cross-entropy.</summary>
    public required IReadOnlyList<GoldenModelCase> ModelCases { get; init; }

    /// <summary>Training runs against torch.optim.</summary>
    public required IReadOnlyList<GoldenTrainingCase> TrainingCases { get; init; }

    /// <summary>Reads and checks a golden file.</summary>
    public static GoldenData Load(string path)
    {
        using FileStream stream = File.OpenRead(path);
        GoldenData data = JsonSerializer.Deserialize<GoldenData>(stream, Options)
            ?? throw new InvalidDataException($"{path} holds no golden data.");
        if (data.Format != "genrnn-golden-1")
        {
            throw new InvalidDataException($"{path} has format '{data.Format}', expected 'genrnn-golden-1'.");
        }

        return data;
    }

    /// <summary>The layer case named <paramref name="name"/>.</summary>
    public GoldenLayerCase LayerCase(string name) => LayerCases.Single(c => c.Name == name);

    /// <summary>The model case named <paramref name="name"/>.</summary>
    public GoldenModelCase ModelCase(string name) => ModelCases.Single(c => c.Name == name);

    /// <summary>The training case named <paramref name="name"/>.</summary>
    public GoldenTrainingCase TrainingCase(string name) => TrainingCases.Single(c => c.Name == name);

    /// <summary>Names of the layer cases, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> LayerCaseNames() => Names(Instance.LayerCases.Select(c => c.Name));

    /// <summary>Names of the model cases, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> ModelCaseNames() => Names(Instance.ModelCases.Select(c => c.Name));

    /// <summary>Names of the training cases, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> TrainingCaseNames() => Names(Instance.TrainingCases.Select(c => c.Name));

    /// <summary>The cell a golden name means (<c>rnn_tanh</c>, <c>lstm</c>, <c>lstm_nofg</c>, <c>lstm_peephole</c>, <c>gru</c>, <c>gru_cho</c>).</summary>
    public static CellKind ParseCell(string name) => name switch
    {
        "rnn_tanh" => CellKind.Rnn,
        "lstm" => CellKind.Lstm,
        "lstm_nofg" => CellKind.LstmNoForgetGate,
        "lstm_peephole" => CellKind.PeepholeLstm,
        "gru" => CellKind.Gru,
        "gru_cho" => CellKind.GruResetBefore,
        _ => throw new InvalidDataException($"Unknown golden cell '{name}'."),
    };

    /// <summary>Rows laid end to end (row-major).</summary>
    public static double[] Flatten(double[][] rows) => rows.SelectMany(r => r).ToArray();

    /// <summary>Rows laid end to end and rounded to float (exact for the golden weights and inputs).</summary>
    public static float[] FlattenToFloat(double[][] rows) => rows.SelectMany(r => r).Select(v => (float)v).ToArray();

    /// <summary>
    /// A flat state (or state gradient) of <paramref name="description"/>: per layer h, then c for LSTMs.
    /// </summary>
    /// <param name="description">The model.</param>
    /// <param name="h">[layers][H] hidden states.</param>
    /// <param name="c">[layers][H] cell states, or null when no layer has one.</param>
    public static double[] FlatState(ModelDescription description, double[][] h, double[][]? c)
    {
        var state = new double[description.StateSize];
        for (int l = 0; l < description.Layers.Count; l++)
        {
            LayerDescription layer = description.Layers[l];
            h[l].CopyTo(state, layer.StateOffset);
            if (layer.HasCellState)
            {
                double[][] cells = c ?? throw new InvalidDataException($"Layer {l} is an LSTM but the case has no cell states.");
                cells[l].CopyTo(state, layer.StateOffset + layer.HiddenSize);
            }
        }

        return state;
    }

    private static TheoryData<string> Names(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (string name in names)
        {
            data.Add(name);
        }

        return data;
    }

    private sealed class CellKindConverter : JsonConverter<CellKind>
    {
        public override CellKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => ParseCell(reader.GetString() ?? throw new JsonException("A cell name is null."));

        public override void Write(Utf8JsonWriter writer, CellKind value, JsonSerializerOptions options)
            => throw new NotSupportedException("Golden data is read only.");
    }
}

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

    /// <summary>[G*H].</summary>
    public required double[] BiasIh { get; init; }

    /// <summary>[G*H].</summary>
    public required double[] BiasHh { get; init; }

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
        yield return GoldenTensor.Vector($"bias_ih_l{layer}", BiasIh);
        yield return GoldenTensor.Vector($"bias_hh_l{layer}", BiasHh);
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
    }
}

/// <summary>
/// A layer case: one or two stacked recurrent layers without a head. Loss = sum(y⊙dy) + Σ_l sum(hT_l⊙dhT_l) +
/// Σ_l sum(cT_l⊙dcT_l).
/// </summary>
public sealed class GoldenLayerCase
{
    /// <summary>Case name.</summary>
    public required string Name { get; init; }

    /// <summary>The cell of every layer.</summary>
    public required CellKind Cell { get; init; }

    /// <summary>Gate blocks in PyTorch's order, e.g. <c>i,f,g,o</c>.</summary>
    public required string GateOrder { get; init; }

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

    /// <summary>The stacked layers, without embedding or head.</summary>
    public ModelDescription Describe()
    {
        var layers = new LayerSpec[Layers];
        for (int l = 0; l < Layers; l++)
        {
            layers[l] = new LayerSpec(Cell, l == 0 ? InputSize : HiddenSize, HiddenSize);
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

/// <summary>
/// A model case: embedding, one recurrent layer, linear head, softmax cross-entropy (natural log) averaged over the
/// steps that have targets; h0 = c0 = 0.
/// </summary>
public sealed class GoldenModelCase
{
    /// <summary>Case name.</summary>
    public required string Name { get; init; }

    /// <summary>The recurrent layer's cell.</summary>
    public required CellKind Cell { get; init; }

    /// <summary>Gate blocks in PyTorch's order.</summary>
    public required string GateOrder { get; init; }

    /// <summary>V, the embedding's vocabulary.</summary>
    public required int Vocab { get; init; }

    /// <summary>E, the embedding's dimensions.</summary>
    public required int Embedding { get; init; }

    /// <summary>H.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>C, the head's outputs.</summary>
    public required int Classes { get; init; }

    /// <summary>T.</summary>
    public required int Steps { get; init; }

    /// <summary><c>many_to_many</c> (a target per step) or <c>many_to_one</c> (a target for the last step).</summary>
    public required string Head { get; init; }

    /// <summary>Always <c>zeros</c>.</summary>
    public required string H0 { get; init; }

    /// <summary>Always <c>zeros</c>.</summary>
    public required string C0 { get; init; }

    /// <summary>The loss, in words.</summary>
    public required string LossDefinition { get; init; }

    /// <summary>[V][E].</summary>
    public required double[][] EmbeddingWeight { get; init; }

    /// <summary>The recurrent layer's tensors.</summary>
    public required GoldenLayerParams Params { get; init; }

    /// <summary>[C][H].</summary>
    public required double[][] HeadWeight { get; init; }

    /// <summary>[C].</summary>
    public required double[] HeadBias { get; init; }

    /// <summary>[T] token ids.</summary>
    public required int[] Tokens { get; init; }

    /// <summary>[T] (many to many) or [1] (many to one) class ids.</summary>
    public required int[] Targets { get; init; }

    /// <summary>[T][C] expected head pre-activations.</summary>
    public required double[][] Logits { get; init; }

    /// <summary>Expected loss.</summary>
    public required double Loss { get; init; }

    /// <summary>[V][E] expected gradient.</summary>
    public required double[][] GradEmbedding { get; init; }

    /// <summary>Expected gradients of the recurrent layer.</summary>
    public required GoldenLayerParams GradParams { get; init; }

    /// <summary>[C][H] expected gradient.</summary>
    public required double[][] GradHeadWeight { get; init; }

    /// <summary>[C] expected gradient.</summary>
    public required double[] GradHeadBias { get; init; }

    /// <summary>Whether only the last step has a target.</summary>
    public bool ManyToOne => Head switch
    {
        "many_to_one" => true,
        "many_to_many" => false,
        _ => throw new InvalidDataException($"Unknown head '{Head}' in {Name}."),
    };

    /// <summary>The target class at <paramref name="step"/>, or null when the step has none.</summary>
    public int? Target(int step) => ManyToOne ? (step == Steps - 1 ? Targets[0] : null) : Targets[step];

    /// <summary>Number of steps with a target (the loss is the mean over them).</summary>
    public int TargetCount => ManyToOne ? 1 : Steps;

    /// <summary>Embedding → recurrent layer → dense head with <paramref name="headActivation"/>.</summary>
    public ModelDescription Describe(Activation headActivation = Activation.Identity)
        => ModelDescription.Create(Name, Vocab, Embedding, [new LayerSpec(Cell, Embedding, HiddenSize)], Classes, headActivation);

    /// <summary>Every parameter with the model's names.</summary>
    public IEnumerable<GoldenTensor> ParameterTensors()
        => WithEmbeddingAndHead(EmbeddingWeight, Params, HeadWeight, HeadBias);

    /// <summary>Every expected parameter gradient with the model's names.</summary>
    public IEnumerable<GoldenTensor> GradientTensors()
        => WithEmbeddingAndHead(GradEmbedding, GradParams, GradHeadWeight, GradHeadBias);

    /// <summary>The parameters in <paramref name="description"/>'s flat layout.</summary>
    public float[] ImportParameters(ModelDescription description) => GoldenTensor.Import(description, ParameterTensors());

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static IEnumerable<GoldenTensor> WithEmbeddingAndHead(double[][] embedding, GoldenLayerParams layer, double[][] headWeight, double[] headBias)
    {
        yield return GoldenTensor.Matrix("embedding.weight", embedding);
        foreach (GoldenTensor t in layer.Tensors(0))
        {
            yield return t;
        }

        yield return GoldenTensor.Matrix("head.weight", headWeight);
        yield return GoldenTensor.Vector("head.bias", headBias);
    }
}

/// <summary>
/// A training case: one-hot inputs of size <see cref="Vocab"/>, one recurrent layer, linear head, cross-entropy at
/// every step, trained for <see cref="Epochs"/> epochs against torch.optim (see Golden/README.md).
/// </summary>
public sealed class GoldenTrainingCase
{
    /// <summary>Case name.</summary>
    public required string Name { get; init; }

    /// <summary>The recurrent layer's cell.</summary>
    public required CellKind Cell { get; init; }

    /// <summary>Gate blocks in PyTorch's order.</summary>
    public required string GateOrder { get; init; }

    /// <summary>Always <c>one-hot</c>.</summary>
    public required string Input { get; init; }

    /// <summary>Size of the one-hot inputs.</summary>
    public required int Vocab { get; init; }

    /// <summary>H.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>C, the head's outputs.</summary>
    public required int Classes { get; init; }

    /// <summary>T of every sequence.</summary>
    public required int Steps { get; init; }

    /// <summary>[sequences][T] token ids; one batch = all sequences.</summary>
    public required int[][] Sequences { get; init; }

    /// <summary>[sequences][T] class ids.</summary>
    public required int[][] Targets { get; init; }

    /// <summary>The optimizer and its settings.</summary>
    public required GoldenOptimizer Optimizer { get; init; }

    /// <summary>Gradient clipping, or null for none.</summary>
    public GoldenClip? Clip { get; init; }

    /// <summary>The loss, in words.</summary>
    public required string LossDefinition { get; init; }

    /// <summary>Truncated BPTT, or null for whole sequences.</summary>
    public GoldenTbptt? Tbptt { get; init; }

    /// <summary>Number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>The loss before each optimizer step.</summary>
    public required double[] LossBeforeEachUpdate { get; init; }

    /// <summary>The total gradient norm before each clip (norm clipping), else empty.</summary>
    public required double[] TotalNormBeforeClip { get; init; }

    /// <summary>The number of clamped elements at each update (value clipping), else empty.</summary>
    public required int[] ElementsClipped { get; init; }

    /// <summary>The parameters before training.</summary>
    public required GoldenTrainingParams Initial { get; init; }

    /// <summary>The expected parameters after training.</summary>
    public required GoldenTrainingParams Final { get; init; }

    /// <summary>One-hot inputs (no embedding) → recurrent layer → identity dense head.</summary>
    public ModelDescription Describe()
        => ModelDescription.Create(Name, 0, 0, [new LayerSpec(Cell, Vocab, HiddenSize)], Classes, Activation.Identity);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A training case's parameters: the recurrent layer and the head.</summary>
public sealed class GoldenTrainingParams
{
    /// <summary>The recurrent layer's tensors.</summary>
    public required GoldenLayerParams Params { get; init; }

    /// <summary>[C][H].</summary>
    public required double[][] HeadWeight { get; init; }

    /// <summary>[C].</summary>
    public required double[] HeadBias { get; init; }

    /// <summary>Every tensor with the model's names.</summary>
    public IEnumerable<GoldenTensor> Tensors()
    {
        foreach (GoldenTensor t in Params.Tensors(0))
        {
            yield return t;
        }

        yield return GoldenTensor.Matrix("head.weight", HeadWeight);
        yield return GoldenTensor.Vector("head.bias", HeadBias);
    }

    /// <summary>The parameters in <paramref name="description"/>'s flat layout.</summary>
    public float[] ImportParameters(ModelDescription description) => GoldenTensor.Import(description, Tensors());
}

/// <summary>A torch.optim optimizer: <c>sgd</c> (optional momentum), <c>adam</c> or <c>rmsprop</c>.</summary>
public sealed class GoldenOptimizer
{
    /// <summary><c>sgd</c>, <c>adam</c> or <c>rmsprop</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Learning rate.</summary>
    public required double Lr { get; init; }

    /// <summary>SGD momentum, when given.</summary>
    public double? Momentum { get; init; }

    /// <summary>Adam β1.</summary>
    public double? Beta1 { get; init; }

    /// <summary>Adam β2.</summary>
    public double? Beta2 { get; init; }

    /// <summary>Adam and RMSprop ε.</summary>
    public double? Eps { get; init; }

    /// <summary>RMSprop α.</summary>
    public double? Alpha { get; init; }
}

/// <summary>Gradient clipping: <c>norm</c> (clip_grad_norm_ over all parameters) or <c>value</c> (clip_grad_value_).</summary>
public sealed class GoldenClip
{
    /// <summary><c>norm</c> or <c>value</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>The maximum norm or value.</summary>
    public required double Max { get; init; }
}

/// <summary>Truncated BPTT in chunks of <see cref="Chunk"/> steps.</summary>
public sealed class GoldenTbptt
{
    /// <summary>Steps per chunk.</summary>
    public required int Chunk { get; init; }

    /// <summary>The rule, in words.</summary>
    public required string Rule { get; init; }
}
