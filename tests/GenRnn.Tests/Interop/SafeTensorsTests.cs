using System.Buffers.Binary;
using System.Text;
using GenRnn.Interop;
using GenRnn.Tests.Generated;
using GenRnn.Tests.Golden;
using GenRnn.Tests.Models;
using GenRnn.Tests.Training;
using Xunit;

namespace GenRnn.Tests.Interop;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("genrnn-safetensors-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    private static T Randomized<T>(int seed) where T : class, IRecurrentModel<T>
    {
        T model = T.Create();
        TestData.Uniform(T.ParameterCount, seed).CopyTo(model.Parameters, 0);
        return model;
    }

    private string WriteFile(string name, byte[] bytes)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Asserts that loading <paramref name="bytes"/> throws <typeparamref name="TException"/> whose message contains every fragment, and leaves a model's parameters unchanged.</summary>
    private void AssertRejected<TException>(byte[] bytes, params string[] fragments) where TException : Exception
    {
        string path = WriteFile("bad.safetensors", bytes);
        LstmLm model = Randomized<LstmLm>(5);
        float[] before = (float[])model.Parameters.Clone();
        TException e = Assert.Throws<TException>(() => SafeTensors.Load(path, model));
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, model.Parameters);
    }

    /// <summary>As <see cref="AssertRejected"/>, for a file that is malformed in itself (so parsing alone rejects it).</summary>
    private void AssertMalformed<TException>(byte[] bytes, params string[] fragments) where TException : Exception
    {
        AssertRejected<TException>(bytes, fragments);
        Assert.Throws<TException>(() => SafeTensors.Parse(bytes));
    }

    private static SafeTensorsBuilder Valid() => new SafeTensorsBuilder()
        .F32("a", [2, 3], [1, 2, 3, 4, 5, 6])
        .F32("b", [2], [7, 8]);

    [Fact]
    public void Round_trip_restores_every_parameter_bit_for_bit()
    {
        string path = PathOf("model.safetensors");
        PeepholeGruChoSoftmax saved = Randomized<PeepholeGruChoSoftmax>(1);
        SafeTensors.Save(path, saved, metadata: new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" });

        var loaded = PeepholeGruChoSoftmax.Create();
        SafeTensors.Load(path, loaded);
        Assert.Equal(saved.Parameters, loaded.Parameters);

        SafeTensorsContent content = SafeTensors.Read(path);
        Assert.Equal(saved.ExportParameters().Select(t => t.Name), content.Tensors.Select(t => t.Name));
        Assert.Equal("ünïcode \"quoted\"", content.Metadata["note"]);
        Assert.Equal([4], content.Find("peephole_i_l0")!.Shape);
        Assert.Equal([16, 4], content.Find("weight_hh_l0")!.Shape);
        Assert.Equal(0, new FileInfo(path).Length % 4); // F32 data after an 8-byte aligned header
        Assert.Empty(Directory.GetFiles(_folder.FullName, "*.tmp"));
    }

    [Fact]
    public void Lstm_options_round_trip_with_pytorch_names_for_the_gates_they_have()
    {
        string path = PathOf("options.safetensors");
        LstmOptionsStackTanh saved = Randomized<LstmOptionsStackTanh>(3);
        SafeTensors.Save(path, saved);
        var loaded = LstmOptionsStackTanh.Create();
        SafeTensors.Load(path, loaded);
        Assert.Equal(saved.Parameters, loaded.Parameters);

        // CIFG: blocks i, g, o and no peephole_f; no input and output gate: block f, g and peephole_f alone.
        SafeTensorsContent content = SafeTensors.Read(path);
        Assert.Equal([18, 3], content.Find("weight_ih_l0")!.Shape);
        Assert.Equal(["peephole_i_l0", "peephole_o_l0", "peephole_f_l1"], content.Tensors.Select(t => t.Name).Where(n => n.StartsWith("peephole", StringComparison.Ordinal)));
        Assert.Equal([140, 6], content.Find("weight_ih_l1")!.Shape);
        Assert.Equal([10, 70], content.Find("weight_ih_l2")!.Shape);
    }

    [Fact]
    public void Recurrent_prefix_names_tensors_as_a_pytorch_module_with_an_lstm_attribute()
    {
        string path = PathOf("prefixed.safetensors");
        LstmLm saved = Randomized<LstmLm>(2);
        SafeTensors.Save(path, saved, recurrentPrefix: "lstm.");
        string[] names = SafeTensors.Read(path).Tensors.Select(t => t.Name).ToArray();
        Assert.Equal(["embedding.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "head.weight", "head.bias"], names);

        var loaded = LstmLm.Create();
        SafeTensors.Load(path, loaded, prefix: "lstm.");
        Assert.Equal(saved.Parameters, loaded.Parameters);

        // Without the prefix the recurrent tensors are unknown and missing, each named.
        var unprefixed = LstmLm.Create();
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, unprefixed));
        Assert.Contains("unused tensor 'lstm.weight_ih_l0'", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing tensor 'bias_hh_l0' [24]", e.Message, StringComparison.Ordinal);
        Assert.All(unprefixed.Parameters, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Write_replaces_an_existing_file()
    {
        string path = PathOf("replaced.safetensors");
        File.WriteAllText(path, "old content");
        SafeTensors.Write(path, [new NamedTensor("x", [1], [3f])]);
        Assert.Equal(3f, SafeTensors.Read(path).Tensors.Single().Data[0]);
        Assert.Empty(Directory.GetFiles(_folder.FullName, "*.tmp"));
    }

    public static TheoryData<string, string> GoldenCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in GoldenData.Instance.LayerCases.Select(c => c.Name).Concat(GoldenData.Instance.ModelCases.Select(c => c.Name)))
        {
            data.Add(name, "F32");
            data.Add(name, "F64");
        }

        return data;
    }

    /// <summary>PyTorch's golden weights written as a safetensors file and loaded from it reproduce every golden output and gradient.</summary>
    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Golden_weights_loaded_from_safetensors_reproduce_pytorch(string name, string dtype)
    {
        void ViaFile(ModelDescription description, IReadOnlyList<NamedTensor> tensors, float[] parameters)
        {
            string path = PathOf($"{name}-{dtype}.safetensors");
            if (dtype == "F32")
            {
                SafeTensors.Write(path, tensors);
            }
            else
            {
                // The golden values are float32 numbers, so their doubles convert back exactly.
                var builder = new SafeTensorsBuilder();
                foreach (NamedTensor t in tensors)
                {
                    builder.F64(t.Name, t.Shape, t.Data.Select(v => (double)v).ToArray());
                }

                File.WriteAllBytes(path, builder.Build());
            }

            SafeTensors.Load(path, description, parameters);
        }

        if (GoldenTests.LayerModels.TryGetValue(name, out var layerCase))
        {
            layerCase(GoldenData.Instance.LayerCase(name), ViaFile);
        }
        else
        {
            GoldenTests.ModelModels[name](GoldenData.Instance.ModelCase(name), ViaFile);
        }
    }

    [Fact]
    public void F16_BF16_and_F64_convert_to_float()
    {
        Half[] halves = [(Half)1.5f, (Half)(-2.25f), Half.MaxValue, Half.Epsilon, Half.NegativeInfinity, (Half)0.1f];
        ushort[] bf16 = [0x3FC0, 0xC010, 0x7F80, 0x0001, 0x3DCD]; // 1.5, -2.25, +inf, smallest subnormal, 0.10009765625
        double[] doubles = [0.1, -1e-40, 3.4028234663852886e38, double.NaN, 1.0 / 3];
        byte[] file = new SafeTensorsBuilder()
            .F16("half", [2, 3], halves)
            .BF16("brain", [5], bf16)
            .F64("double", [5], doubles)
            .Build();

        SafeTensorsContent content = SafeTensors.Parse(file);
        Assert.Equal([2, 3], content.Find("half")!.Shape);
        Assert.Equal([1.5f, -2.25f, 65504f, 5.9604645e-8f, float.NegativeInfinity, 0.0999755859375f], content.Find("half")!.Data);
        Assert.Equal([1.5f, -2.25f, float.PositiveInfinity, BitConverter.Int32BitsToSingle(0x00010000), 0.10009765625f], content.Find("brain")!.Data);
        float[] d = content.Find("double")!.Data;
        Assert.Equal(0.1f, d[0]);
        Assert.Equal((float)-1e-40, d[1]);
        Assert.Equal(float.MaxValue, d[2]);
        Assert.True(float.IsNaN(d[3]));
        Assert.Equal(1f / 3, d[4]);
    }

    [Fact]
    public void Metadata_is_read_and_optional_scalars_and_empty_tensors_are_fine()
    {
        var builder = new SafeTensorsBuilder { MetadataJson = "{\"format\":\"pt\",\"epoch\":\"3\"}" }
            .F32("scalar", [], [42f])
            .F32("empty", [0, 5], []);
        SafeTensorsContent content = SafeTensors.Parse(builder.Build());
        Assert.Equal("pt", content.Metadata["format"]);
        Assert.Equal("3", content.Metadata["epoch"]);
        Assert.Equal([42f], content.Find("scalar")!.Data);
        Assert.Empty(content.Find("empty")!.Data);

        // Trailing spaces pad the header, as the reference writer makes them.
        string padded = builder.HeaderJson() + "     ";
        Assert.Equal(2, SafeTensors.Parse(builder.Build(padded)).Tensors.Count);
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_rejected()
    {
        byte[] file = SafeTensors.Serialize(Randomized<Gru3x5>(3).ExportParameters());
        for (int length = 0; length < file.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => SafeTensors.Parse(file.AsSpan(0, length)));
        }

        AssertMalformed<InvalidDataException>(file[..^1], "truncated");
        AssertMalformed<InvalidDataException>(file[..5], "truncated", "8-byte header length");
    }

    [Fact]
    public void Header_length_out_of_bounds_is_rejected()
    {
        byte[] file = Valid().Build();
        byte[] huge = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        AssertMalformed<InvalidDataException>(huge, "more than the limit");

        byte[] past = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(past, (ulong)file.Length);
        AssertMalformed<InvalidDataException>(past, "truncated", "announces a header of");

        byte[] tiny = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(tiny, 1);
        AssertMalformed<InvalidDataException>(tiny, "shortest header");
    }

    public static TheoryData<string, string> MalformedHeaders() => new()
    {
        { "[1, 2]", "does not start with '{'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}} x", "not valid JSON" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},}", "not valid JSON" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", "not valid JSON" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "names 'a' twice" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},\"c\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "overlap" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "belong to no tensor" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}}", "after the last tensor" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[24,40]}}", "truncated or damaged: tensor 'b'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "needs 16 bytes" },
        { "{\"a\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "needs 12 bytes" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[24,0]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "end before they begin" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "not a non-negative integer" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0.0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "not a non-negative integer" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24,1]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "3 data_offsets" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "'a' has no data_offsets" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24],\"extra\":1},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "unknown field 'extra'" },
        { "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "gives 'dtype' twice" },
        { "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "unknown dtype 'Q4'" },
        { "{\"a\":[1],\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "not an object" },
        { "{\"__metadata__\":{\"n\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "metadata 'n'" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,99999999999999999999999]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", "not a non-negative integer" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Malformed_headers_are_rejected_and_leave_the_model_unchanged(string header, string fragment)
        => AssertMalformed<InvalidDataException>(Valid().Build(header), fragment);

    [Fact]
    public void Invalid_utf8_in_the_header_is_rejected()
    {
        byte[] header = Encoding.UTF8.GetBytes(Valid().HeaderJson().Replace("\"b\"", "\"\u00e9\""));
        int at = Array.IndexOf(header, (byte)0xC3);
        header[at + 1] = 0x28; // a lead byte followed by a non-continuation byte
        byte[] data = Valid().Build()[(8 + Encoding.UTF8.GetByteCount(Valid().HeaderJson()))..];
        AssertMalformed<InvalidDataException>(SafeTensorsBuilder.Assemble(header, data));
    }

    [Fact]
    public void Unsupported_dtypes_are_named()
    {
        byte[] file = Valid().Add("steps", "I64", [1], new byte[8]).Build();
        AssertMalformed<NotSupportedException>(file, "'steps' has dtype I64", "F32, F16, BF16 and F64");
    }

    [Fact]
    public void A_valid_file_that_does_not_fit_the_model_names_each_problem_and_changes_nothing()
    {
        List<NamedTensor> tensors = Randomized<LstmLm>(4).ExportParameters();
        tensors.RemoveAll(t => t.Name == "bias_hh_l0");
        int i = tensors.FindIndex(t => t.Name == "head.weight");
        tensors[i] = new NamedTensor("head.weight", [6, 5], new float[30]);
        tensors.Add(new NamedTensor("lstm.extra", [1], [1f]));
        AssertRejected<InvalidDataException>(
            SafeTensors.Serialize(tensors),
            "does not fit",
            "missing tensor 'bias_hh_l0' [24]",
            "tensor 'head.weight' has shape [6, 5], expected [5, 6]",
            "unused tensor 'lstm.extra'");
    }

    [Fact]
    public void Writing_validates_its_tensors()
    {
        string path = PathOf("never.safetensors");
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("a", [2, 2], [1, 2, 3])]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("a", [1], [1]), new NamedTensor("a", [1], [2])]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("", [1], [1])]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("__metadata__", [1], [1])]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("a", [-1], [])]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write("", [new NamedTensor("a", [1], [1])]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(_folder.FullName, [new NamedTensor("a", [1], [1])]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Load(path, LstmLm.Description, new float[3]));
        Assert.Throws<FileNotFoundException>(() => SafeTensors.Read(path));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_folder.FullName));
    }
}
