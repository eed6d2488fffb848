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
    private static readonly Lazy<GoldenData> s_instance = new(() => Load(DefaultPath, "genrnn-golden-1"));
    private static readonly Lazy<GoldenData> s_variants = new(() => Load(VariantsPath, "genrnn-golden-variants-1"));

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

    /// <summary>The variants file (Golden/VARIANTS.md) copied next to the test assembly.</summary>
    public static string VariantsPath => Path.Combine(AppContext.BaseDirectory, "Golden", "pytorch-golden-variants.json");

    /// <summary>The golden file, loaded on first use.</summary>
    public static GoldenData Instance => s_instance.Value;

    /// <summary>The variants file (LSTM search space, MUT1-3, projection, bidirectional), loaded on first use.</summary>
    public static GoldenData Variants => s_variants.Value;

    /// <summary>File format, <c>genrnn-golden-1</c>.</summary>
    public required string Format { get; init; }

    /// <summary>What computed the values.</summary>
    public required string Generator { get; init; }

    /// <summary>The parameter layout, in words (main file only).</summary>
    public string? Layout { get; init; }

    /// <summary>One or two stacked recurrent layers without a head, with arbitrary upstream gradients.</summary>
    public required IReadOnlyList<GoldenLayerCase> LayerCases { get; init; }

    /// <summary>Embedding, one recurrent layer, linear head, softmax cross-entropy.</summary>
    public required IReadOnlyList<GoldenModelCase> ModelCases { get; init; }

    /// <summary>Training runs against torch.optim (main file only).</summary>
    public IReadOnlyList<GoldenTrainingCase> TrainingCases { get; init; } = [];

    /// <summary>Reads and checks a golden file of <paramref name="format"/>.</summary>
    public static GoldenData Load(string path, string format = "genrnn-golden-1")
    {
        using FileStream stream = File.OpenRead(path);
        GoldenData data = JsonSerializer.Deserialize<GoldenData>(stream, Options)
            ?? throw new InvalidDataException($"{path} holds no golden data.");
        if (data.Format != format)
        {
            throw new InvalidDataException($"{path} has format '{data.Format}', expected '{format}'.");
        }

        if (format == "genrnn-golden-1" && (data.Layout is null || data.TrainingCases.Count == 0))
        {
            throw new InvalidDataException($"{path} lacks the layout or the training cases of format '{format}'.");
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

    private static TheoryData<string> Names(IEnumerable<string> names) => new(names);

    private sealed class CellKindConverter : JsonConverter<CellKind>
    {
        public override CellKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => ParseCell(reader.GetString() ?? throw new JsonException("A cell name is null."));

        public override void Write(Utf8JsonWriter writer, CellKind value, JsonSerializerOptions options)
            => throw new NotSupportedException("Golden data is read only.");
    }
}
