using GenRnn.Interop;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Interop;

/// <summary>
/// ModelDeclaration (the genrnn-declare tool): files written from declared models give back their declarations, and
/// files that are no GenRnn model's give a clear InvalidDataException.
/// </summary>
public sealed class ModelDeclarationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genrnn-declare-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SafeTensorsOfAStackWithEmbeddingAndHead()
    {
        string path = Path.Combine(_folder, "stack.safetensors");
        SafeTensors.Save(path, new EmbeddingPeepholeStackTanh(), recurrentPrefix: "lstm.");
        string declaration = ModelDeclaration.FromSafeTensors(path, "Stack");
        Assert.Equal(
            "// The declaration that loads 'stack.safetensors' (recurrent prefix \"lstm.\").\n" +
            "// Note: the head's activation is not in the file: Identity is declared; set Activation = ... as trained.\n" +
            "[RecurrentModel]\n[Embedding(9, 4)]\n[Lstm(4, 6, Peepholes = true)]\n[Lstm(6, 5)]\n[Dense(3)]\npublic partial class Stack;\n",
            declaration);
    }

    [Fact]
    public void SafeTensorsOfAGruUnderAnRnnNameTheAmbiguity()
    {
        string path = Path.Combine(_folder, "rnngru.safetensors");
        SafeTensors.Save(path, new RnnGruSigmoid());
        string declaration = ModelDeclaration.FromSafeTensors(path);
        Assert.Contains("[Rnn(3, 6)]\n[Gru(6, 5)]\n[Dense(4)]\npublic partial class Model;", declaration);
        Assert.Contains("layer 1: 3 gate blocks are PyTorch's GRU", declaration);
    }

    [Fact]
    public void AHeadUnderAnotherNameIsFoundAndNamed()
    {
        string path = Path.Combine(_folder, "fc.safetensors");
        var model = new OnnxLstm8x32();
        var tensors = model.ExportParameters("rnn.").Append(new NamedTensor("fc.weight", [1, 32], new float[32])).Append(new NamedTensor("fc.bias", [1], [0f]));
        SafeTensors.Write(path, tensors);
        string declaration = ModelDeclaration.FromSafeTensors(path);
        Assert.Contains("[Lstm(8, 32)]\n[Dense(1)]", declaration);
        Assert.Contains("the head is 'fc.weight': rename it and its bias to head.weight and head.bias", declaration);
    }

    [Theory]
    [InlineData("lstm_i16_h64_t1.onnx", "[Lstm(16, 64)]")]
    [InlineData("gru_i8_h32_t100.onnx", "[Gru(8, 32)]")]
    [InlineData("rnn_i1_h8_t1.onnx", "[Rnn(1, 8)]")]
    public void OnnxReferenceModels(string file, string layer)
    {
        string declaration = ModelDeclaration.FromOnnx(Path.Combine(AppContext.BaseDirectory, "Onnx", file));
        Assert.Contains($"[RecurrentModel]\n{layer}\npublic partial class Model;", declaration);
    }

    [Fact]
    public void OnnxExportOfAPeepholeLstmGivesItBack()
    {
        string path = Path.Combine(_folder, "peephole.onnx");
        Onnx.Export(path, new PeepholeLstm3x5());
        Assert.Contains("[Lstm(3, 5, Peepholes = true)]", ModelDeclaration.FromOnnx(path));
    }

    [Theory]
    [InlineData("nig", "[Lstm(3, 5, InputGate = false, Peepholes = true)]")]
    [InlineData("nog", "[Lstm(3, 5, OutputGate = false, Peepholes = true)]")]
    [InlineData("nfg", "[Lstm(3, 5, ForgetGate = false, Peepholes = true)]")]
    [InlineData("stack", "[Lstm(3, 6, CoupledGates = true, Peepholes = true, CellInputActivation = CellActivation.Identity)]")]
    public void SafeTensorsOfLstmOptionsWithPeepholesGiveTheGatesBack(string name, string layer)
    {
        string path = Path.Combine(_folder, $"{name}.safetensors");
        (ModelDescription description, float[] parameters) = name switch
        {
            "nig" => (Nig3x5.Description, Nig3x5.Create().Parameters),
            "nog" => (Nog3x5.Description, Nog3x5.Create().Parameters),
            "nfg" => (Nfg3x5.Description, Nfg3x5.Create().Parameters),
            _ => (LstmOptionsStackTanh.Description, LstmOptionsStackTanh.Create().Parameters),
        };
        SafeTensors.Save(path, description, parameters);
        string declaration = ModelDeclaration.FromSafeTensors(path);
        if (name == "stack")
        {
            // CIFG's tensors are those of the 1997 LSTM with peepholes, and the identity activation leaves none: named, not guessed.
            Assert.Contains("[Lstm(3, 6, ForgetGate = false, Peepholes = true)]\n[Lstm(6, 70, InputGate = false, OutputGate = false, Peepholes = true)]\n[Lstm(70, 5, ForgetGate = false, OutputGate = false)]\n[Dense(3)]", declaration);
            Assert.Contains("CoupledGates = true (f = 1 - i)", declaration);
            Assert.Contains("layer 2: 2 gate blocks are an LSTM with two of its gates left out", declaration);
            return;
        }

        Assert.Contains(layer, declaration);
    }

    [Fact]
    public void OnnxExportOfLstmOptionsGivesThemBack()
    {
        string path = Path.Combine(_folder, "cifg.onnx");
        Onnx.Export(path, Cifg3x5.Create());
        Assert.Contains("[Lstm(3, 5, CoupledGates = true, Peepholes = true)]", ModelDeclaration.FromOnnx(path));
        Onnx.Export(path, Noaf3x5.Create());
        Assert.Contains("[Lstm(3, 5, Peepholes = true, CellOutputActivation = CellActivation.Identity)]", ModelDeclaration.FromOnnx(path));
    }

    [Fact]
    public void FilesThatAreNoModelsFailClearly()
    {
        string empty = Path.Combine(_folder, "empty.safetensors");
        SafeTensors.Write(empty, [new NamedTensor("encoder.weight", [2, 2], new float[4])]);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => ModelDeclaration.FromSafeTensors(empty));
        Assert.Contains("no recurrent layer", e.Message);

        string five = Path.Combine(_folder, "five.safetensors");
        SafeTensors.Write(five, [new NamedTensor("weight_ih_l0", [10, 3], new float[30]), new NamedTensor("weight_hh_l0", [10, 2], new float[20])]);
        Assert.Contains("stacks 5 gate blocks", Assert.Throws<InvalidDataException>(() => ModelDeclaration.FromSafeTensors(five)).Message);

        // A MUT layer's one bias tells it apart from the two-gate LSTM (MUT1) and the GRU (MUT3) its weights look like.
        foreach ((string name, int ihRows, int hhRows, string kind) in new[] { ("mut1", 8, 8, "MUT1"), ("mut2", 8, 12, "MUT2"), ("mut3", 12, 12, "MUT3") })
        {
            string mut = Path.Combine(_folder, $"{name}.safetensors");
            SafeTensors.Write(mut, [new NamedTensor("weight_ih_l0", [ihRows, 4], new float[ihRows * 4]), new NamedTensor("weight_hh_l0", [hhRows, 4], new float[hhRows * 4]), new NamedTensor("bias_l0", [12], new float[12])]);
            Assert.Contains($"layer 0 is a {kind} layer", Assert.Throws<InvalidDataException>(() => ModelDeclaration.FromSafeTensors(mut)).Message);
        }

        string junk = Path.Combine(_folder, "junk.onnx");
        File.WriteAllBytes(junk, [1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => ModelDeclaration.FromOnnx(junk));
    }
}
