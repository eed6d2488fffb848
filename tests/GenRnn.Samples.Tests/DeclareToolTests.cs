using GenRnn.Interop;
using Xunit;

namespace GenRnn.Samples.Tests;

/// <summary>The genrnn-declare tool's command line: help, bad options, a missing or broken file, and a real file.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class DeclareToolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genrnn-declare-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void HelpPrintsUsageAndExitsZero()
    {
        (int code, string output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.StartsWith("Usage: genrnn-declare FILE", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("a.onnx", "b.onnx")]
    [InlineData("a.onnx", "--name", "not a name")]
    [InlineData]
    public void BadCommandLinesExitTwoWithOneLine(params string[] args)
    {
        (int code, string output, string error) = Run(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void AMissingOrBrokenFileExitsOne()
    {
        (int code, _, string error) = Run(Path.Combine(_folder, "missing.safetensors"));
        Assert.Equal(1, code);
        Assert.StartsWith("genrnn-declare: ", error, StringComparison.Ordinal);

        string broken = Path.Combine(_folder, "broken.safetensors");
        File.WriteAllBytes(broken, [9, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
        (code, _, error) = Run(broken);
        Assert.Equal(1, code);
        Assert.Contains("broken.safetensors", error);
    }

    [Fact]
    public void ASafeTensorsFilePrintsItsDeclaration()
    {
        string path = Path.Combine(_folder, "amp.safetensors");
        SafeTensors.Write(path, [
            new NamedTensor("lstm.weight_ih_l0", [64, 1], new float[64]), new NamedTensor("lstm.weight_hh_l0", [64, 16], new float[1024]),
            new NamedTensor("lstm.bias_ih_l0", [64], new float[64]), new NamedTensor("lstm.bias_hh_l0", [64], new float[64]),
            new NamedTensor("head.weight", [1, 16], new float[16]), new NamedTensor("head.bias", [1], new float[1])]);
        (int code, string output, string error) = Run(path, "--name", "AmpModel");
        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.EndsWith("[RecurrentModel]\n[Lstm(1, 16)]\n[Dense(1)]\npublic partial class AmpModel;\n", output, StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Run(params string[] args) =>
        ConsoleCapture.Run(() => GenRnn.Declare.Program.Main(args));
}
