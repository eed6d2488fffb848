using GenRnn.Interop;
using GenRnn.Tests.Models;
using GenRnn.Tests.Training;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace GenRnn.Tests.Interop;

/// <summary>
/// Single ONNX RNN, LSTM and GRU nodes imported into declared models: every reference model of Onnx/ (the project's
/// reference ONNX models in testdata/onnx, sizes up to 64x256) gives ONNX Runtime's outputs within 1e-5; unsupported
/// attributes, sizes and damaged files are clear errors that leave the model unchanged.
/// </summary>
public sealed class OnnxImportTests
{
    private static string OnnxFolder => Path.Combine(AppContext.BaseDirectory, "Onnx");

    private static readonly Dictionary<string, Action<string, int>> Sizes = new()
    {
        ["lstm_i1_h8"] = CompareWithOnnxRuntime<OnnxLstm1x8>,
        ["lstm_i1_h32"] = CompareWithOnnxRuntime<OnnxLstm1x32>,
        ["lstm_i8_h32"] = CompareWithOnnxRuntime<OnnxLstm8x32>,
        ["lstm_i16_h64"] = CompareWithOnnxRuntime<OnnxLstm16x64>,
        ["lstm_i64_h256"] = CompareWithOnnxRuntime<OnnxLstm64x256>,
        ["gru_i1_h8"] = CompareWithOnnxRuntime<OnnxGru1x8>,
        ["gru_i1_h32"] = CompareWithOnnxRuntime<OnnxGru1x32>,
        ["gru_i8_h32"] = CompareWithOnnxRuntime<OnnxGru8x32>,
        ["gru_i16_h64"] = CompareWithOnnxRuntime<OnnxGru16x64>,
        ["gru_i64_h256"] = CompareWithOnnxRuntime<OnnxGru64x256>,
        ["rnn_i1_h8"] = CompareWithOnnxRuntime<OnnxRnn1x8>,
        ["rnn_i1_h32"] = CompareWithOnnxRuntime<OnnxRnn1x32>,
        ["rnn_i8_h32"] = CompareWithOnnxRuntime<OnnxRnn8x32>,
        ["rnn_i16_h64"] = CompareWithOnnxRuntime<OnnxRnn16x64>,
        ["rnn_i64_h256"] = CompareWithOnnxRuntime<OnnxRnn64x256>,
    };

    public static TheoryData<string> ReferenceModels()
        => new(Directory.GetFiles(OnnxFolder, "*.onnx").Order(StringComparer.Ordinal).Select(file => Path.GetFileName(file)));

    [Fact]
    public void Every_reference_model_is_covered()
    {
        Assert.Equal(30, ReferenceModels().Count);
        foreach (string file in Directory.GetFiles(OnnxFolder, "*.onnx"))
        {
            Assert.Contains(SizeOf(Path.GetFileName(file)), Sizes.Keys);
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceModels))]
    public void A_reference_model_imported_gives_onnx_runtimes_outputs(string file)
    {
        string name = Path.GetFileNameWithoutExtension(file);
        int steps = int.Parse(name[(name.LastIndexOf("_t", StringComparison.Ordinal) + 2)..]);
        Sizes[SizeOf(file)](Path.Combine(OnnxFolder, file), steps);
    }

    private static string SizeOf(string file) => file[..file.LastIndexOf("_t", StringComparison.Ordinal)];

    /// <summary>
    /// Imports <paramref name="path"/> into <typeparamref name="TModel"/>, runs the file's own sequence length in ONNX
    /// Runtime and in GenRnn from the same random input and state, and compares Y, Y_h and Y_c.
    /// </summary>
    private static void CompareWithOnnxRuntime<TModel>(string path, int steps) where TModel : class, IRecurrentModel<TModel>
    {
        LayerDescription layer = TModel.Description.Layers[0];
        var model = TModel.Create();
        Onnx.Import(path, model);
        Assert.Contains(model.Parameters, v => v != 0);

        int h = layer.HiddenSize, seed = path.Length;
        float[] x = TestData.Uniform(steps * TModel.InputSize, seed);
        float[] initial = TestData.Uniform(TModel.StateSize, seed + 1);
        var feeds = new List<NamedOnnxValue>
        {
            OnnxCheck.Floats("X", x, steps, 1, TModel.InputSize),
            OnnxCheck.Floats("initial_h", initial[..h], 1, 1, h),
        };
        if (layer.HasCellState)
        {
            feeds.Add(OnnxCheck.Floats("initial_c", initial[h..], 1, 1, h));
        }

        Dictionary<string, (int[] Shape, float[] Data)> expected = OnnxCheck.Run(File.ReadAllBytes(path), feeds);

        float[] state = (float[])initial.Clone();
        var y = new float[steps * h];
        model.Forward(x, state, y);
        OnnxCheck.AssertClose("Y", expected["Y"].Data, y);
        OnnxCheck.AssertClose("Y_h", expected["Y_h"].Data, state.AsSpan(0, h));
        if (layer.HasCellState)
        {
            OnnxCheck.AssertClose("Y_c", expected["Y_c"].Data, state.AsSpan(h, h));
        }
    }

    /// <summary>A model built with <see cref="OnnxNodeBuilder"/> runs the same in ONNX Runtime and, imported, in GenRnn.</summary>
    private static void CompareBuilt<TModel>(OnnxNodeBuilder builder, int steps = 7) where TModel : class, IRecurrentModel<TModel>
    {
        string path = Path.Combine(Path.GetTempPath(), $"genrnn-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, builder.Build());
        try
        {
            CompareWithOnnxRuntime<TModel>(path, steps);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Peepholes_import_as_p_and_the_cho_gru_as_linear_before_reset_0()
    {
        var peephole = new OnnxNodeBuilder("LSTM", 3, 5) { P = TestData.Uniform(15, 9, -0.5f, 0.5f) };
        CompareBuilt<PeepholeLstm3x5>(peephole);

        var cho = new OnnxNodeBuilder("GRU", 3, 5).Attribute(OnnxProto.IntAttribute("linear_before_reset", 0));
        CompareBuilt<GruCho3x5>(cho);
        var choByDefault = new OnnxNodeBuilder("GRU", 3, 5); // linear_before_reset defaults to 0
        CompareBuilt<GruCho3x5>(choByDefault);
    }

    [Fact]
    public void Default_attributes_given_explicitly_float_data_and_a_missing_bias_are_fine()
    {
        var lstm = new OnnxNodeBuilder("LSTM", 3, 5) { B = null, WAsFloatData = true }
            .Attribute(OnnxProto.StringAttribute("direction", "forward"))
            .Attribute(OnnxNodeBuilder.Strings("activations", "Sigmoid", "Tanh", "Tanh"))
            .Attribute(OnnxProto.IntAttribute("layout", 0))
            .Attribute(OnnxProto.IntAttribute("input_forget", 0));
        CompareBuilt<Lstm3x5>(lstm);

        // A plain LSTM's P of zeros also fits a peephole model, and no P at all gives zero peepholes.
        CompareBuilt<PeepholeLstm3x5>(new OnnxNodeBuilder("LSTM", 3, 5) { P = new float[15] });
        CompareBuilt<PeepholeLstm3x5>(new OnnxNodeBuilder("LSTM", 3, 5));
        CompareBuilt<Lstm3x5>(new OnnxNodeBuilder("LSTM", 3, 5) { P = new float[15] });
        CompareBuilt<Rnn3x5>(new OnnxNodeBuilder("RNN", 3, 5).Attribute(OnnxNodeBuilder.Strings("activations", "Tanh")));
        CompareBuilt<Gru3x5>(new OnnxNodeBuilder("GRU", 3, 5).Attribute(OnnxProto.IntAttribute("linear_before_reset", 1)));
    }

    [Fact]
    public void Exported_single_layers_import_back_bit_for_bit()
    {
        RoundTrip<Rnn3x5>();
        RoundTrip<Lstm3x5>();
        RoundTrip<PeepholeLstm3x5>();
        RoundTrip<Gru3x5>();
        RoundTrip<GruCho3x5>();

        static void RoundTrip<T>() where T : class, IRecurrentModel<T>
        {
            T saved = T.Create();
            TestData.Uniform(T.ParameterCount, 17).CopyTo(saved.Parameters, 0);
            T loaded = T.Create();
            Onnx.Import(Onnx.Serialize(saved), T.Description, loaded.Parameters);
            Assert.Equal(saved.Parameters, loaded.Parameters);
        }
    }

    public static TheoryData<string, string> UnsupportedCases() => new()
    {
        { "bidirectional", "direction 'bidirectional'" },
        { "reverse", "direction 'reverse'" },
        { "clip", "clips its gate pre-activations at 3" },
        { "relu", "activations [Relu]" },
        { "alpha", "activation_alpha [0.5]" },
        { "layout", "layout = 1" },
        { "input_forget", "input_forget = 1" },
        { "unknown attribute", "attribute 'speed'" },
        { "sequence_lens", "sequence_lens 'lens'" },
        { "two nodes", "exactly one RNN, LSTM or GRU node" },
        { "matmul", "MatMul 'head'" },
        { "opset 6", "opset 6" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedCases))]
    public void Unsupported_graphs_are_named_and_change_nothing(string name, string fragment)
    {
        OnnxNodeBuilder b = name == "relu" ? new OnnxNodeBuilder("RNN", 3, 5) : new OnnxNodeBuilder("LSTM", 3, 5);
        switch (name)
        {
            case "bidirectional":
            case "reverse":
                b.Attribute(OnnxProto.StringAttribute("direction", name));
                break;
            case "clip":
                b.Attribute(OnnxNodeBuilder.FloatAttribute("clip", 3));
                break;
            case "relu":
                b.Attribute(OnnxNodeBuilder.Strings("activations", "Relu"));
                break;
            case "alpha":
                b.Attribute(new ProtoWriter().String(OnnxProto.AttributeName, "activation_alpha").Float(OnnxProto.AttributeFloats, 0.5f).Varint(OnnxProto.AttributeType, OnnxProto.TypeFloats));
                break;
            case "layout":
                b.Attribute(OnnxProto.IntAttribute("layout", 1));
                break;
            case "input_forget":
                b.Attribute(OnnxProto.IntAttribute("input_forget", 1));
                break;
            case "unknown attribute":
                b.Attribute(OnnxProto.IntAttribute("speed", 2));
                break;
            case "sequence_lens":
                b.SequenceLens = "lens";
                break;
            case "two nodes":
                b.RecurrentNodes = 2;
                break;
            case "matmul":
                b.ExtraNodes.Add(OnnxProto.Node("MatMul", "head", ["Y_h", "W"], ["Z"]));
                break;
            case "opset 6":
                b.Opset = 6;
                break;
        }

        if (name == "relu")
        {
            AssertRejected<NotSupportedException, Rnn3x5>(b.Build(), fragment);
        }
        else
        {
            AssertRejected<NotSupportedException, Lstm3x5>(b.Build(), fragment);
        }
    }

    [Fact]
    public void Mismatched_kinds_and_sizes_are_named_and_change_nothing()
    {
        AssertRejected<InvalidDataException, Lstm3x5>(new OnnxNodeBuilder("LSTM", 3, 6).Build(), "hidden_size 6", "hidden size 5");
        AssertRejected<InvalidDataException, Lstm3x5>(new OnnxNodeBuilder("LSTM", 4, 5).Build(), "W of shape [1, 20, 4]", "needs [1, 20, 3]");
        var twoDirections = new OnnxNodeBuilder("LSTM", 3, 5) { WDims = [2, 20, 3], W = new float[120] };
        AssertRejected<InvalidDataException, Lstm3x5>(twoDirections.Build(), "num_directions 2");
        AssertRejected<InvalidDataException, Gru3x5>(new OnnxNodeBuilder("GRU", 3, 5).Build(), "linear_before_reset = 0", "ResetAfter = false");
        AssertRejected<InvalidDataException, GruCho3x5>(
            new OnnxNodeBuilder("GRU", 3, 5).Attribute(OnnxProto.IntAttribute("linear_before_reset", 1)).Build(), "linear_before_reset = 1", "GruResetBefore");
        AssertRejected<InvalidDataException, Gru3x5>(new OnnxNodeBuilder("LSTM", 3, 5).Build(), "is an LSTM", "Gru cell");
        AssertRejected<InvalidDataException, Lstm3x5>(new OnnxNodeBuilder("LSTM", 3, 5) { P = TestData.Uniform(15, 4) }.Build(), "Peepholes = true");
        AssertRejected<InvalidDataException, LstmLm>(new OnnxNodeBuilder("LSTM", 4, 6).Build(), "an embedding", "a head");
        AssertRejected<InvalidDataException, LstmTwoLayers>(new OnnxNodeBuilder("LSTM", 3, 5).Build(), "2 recurrent layer(s)");
    }

    [Theory]
    [InlineData("gru_i1_h8_t1.onnx")]
    [InlineData("lstm_i1_h8_t100.onnx")]
    [InlineData("rnn_i1_h8_t1.onnx")]
    public void Every_truncation_of_a_reference_model_is_rejected(string name)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(OnnxFolder, name));
        ModelDescription description = name[0] switch { 'g' => OnnxGru1x8.Description, 'l' => OnnxLstm1x8.Description, _ => OnnxRnn1x8.Description };
        AssertEveryTruncationRejected(file, description);
        InvalidDataException e = Assert.Throws<InvalidDataException>(
            () => Onnx.Import(file.AsSpan(0, file.Length / 2), description, new float[description.ParameterCount], "half.onnx"));
        Assert.Contains("'half.onnx' is not a valid ONNX file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_a_genrnn_export_is_rejected()
    {
        var saved = PeepholeLstm3x5.Create();
        TestData.Uniform(PeepholeLstm3x5.ParameterCount, 5).CopyTo(saved.Parameters, 0);
        byte[] file = Onnx.Serialize(saved);
        AssertEveryTruncationRejected(file, PeepholeLstm3x5.Description);

        // The cut just before the trailing metadata entry leaves a model that is complete but for it.
        int metadata = 2 + 2 + "genrnn.model".Length + 2 + PeepholeLstm3x5.Description.Name.Length;
        InvalidDataException e = Assert.Throws<InvalidDataException>(
            () => Onnx.Import(file.AsSpan(0, file.Length - metadata), PeepholeLstm3x5.Description, new float[PeepholeLstm3x5.ParameterCount], "cut.onnx"));
        Assert.Contains("'cut.onnx' is not a valid ONNX file", e.Message, StringComparison.Ordinal);
        Assert.Contains("'genrnn.model'", e.Message, StringComparison.Ordinal);
    }

    // Every proper prefix of the file is an InvalidDataException and leaves the buffer as it was; the whole file imports.
    private static void AssertEveryTruncationRejected(byte[] file, ModelDescription description)
    {
        float[] parameters = TestData.Uniform(description.ParameterCount, 11);
        float[] before = (float[])parameters.Clone();
        for (int length = 0; length < file.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => Onnx.Import(file.AsSpan(0, length), description, parameters));
        }

        Assert.Equal(before, parameters);
        Onnx.Import(file, description, parameters);
        Assert.NotEqual(before, parameters);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentException>(() => Onnx.Import(new OnnxNodeBuilder("LSTM", 3, 5).Build(), Lstm3x5.Description, new float[2]));
        Assert.Throws<ArgumentNullException>(() => Onnx.Import<Lstm3x5>(Path.Combine(OnnxFolder, "lstm_i1_h8_t1.onnx"), null!));
        Assert.Throws<ArgumentException>(() => Onnx.Import("", Lstm3x5.Create()));
        Assert.Throws<FileNotFoundException>(() => Onnx.Import(Path.Combine(OnnxFolder, "missing.onnx"), Lstm3x5.Create()));
        Assert.Throws<InvalidDataException>(() => Onnx.Import("not onnx at all"u8, Lstm3x5.Description, new float[Lstm3x5.ParameterCount]));
    }

    private static void AssertRejected<TException, TModel>(byte[] onnx, params string[] fragments)
        where TException : Exception
        where TModel : class, IRecurrentModel<TModel>
    {
        TModel model = TModel.Create();
        TestData.Uniform(TModel.ParameterCount, 3).CopyTo(model.Parameters, 0);
        float[] before = (float[])model.Parameters.Clone();
        TException e = Assert.Throws<TException>(() => Onnx.Import(onnx, TModel.Description, model.Parameters, "test.onnx"));
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, model.Parameters);
    }
}
