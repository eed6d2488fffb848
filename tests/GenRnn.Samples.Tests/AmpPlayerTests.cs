using AmpPlayer;
using AmpPlayer.Wav;
using GenRnn.Training;
using Xunit;

namespace GenRnn.Samples.Tests;

/// <summary>
/// AmpPlayer end to end: the demo on a short file, a given model file on stereo input, and the command line's exit
/// codes; what it writes must equal stepping the model directly.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class AmpPlayerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genrnn-ampplayer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Demo_WritesModelInputAndOutput_AndTheOutputIsTheModelStepped()
    {
        (int code, string output, string error) = Run("--demo", "--demo-dir", _folder, "--demo-epochs", "2", "--demo-seconds", "0.05");
        Assert.True(code == 0, error);
        Assert.Contains("Latency per sample", output);
        Assert.Contains("p99", output);
        Assert.Contains("Real-time factor at 48000 Hz", output);
        Assert.Contains("epoch 2: training MSE", output);

        string model = Path.Combine(_folder, "demo-model.json");
        WavAudio input = WavReader.Read(Path.Combine(_folder, "demo-input.wav"));
        WavAudio result = WavReader.Read(Path.Combine(_folder, "demo-output.wav"));
        Assert.Equal((48_000, 2_400, WavEncoding.Pcm16), (input.SampleRate, input.Frames, input.Encoding));
        Assert.Equal(WavEncoding.Float32, result.Encoding);
        Assert.Equal(Stepped(model, input.Channels[0], expectedSkip: 1), result.Channels[0]);
        Assert.Equal(["demo-input.wav", "demo-model.json", "demo-output.wav"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void GivenModel_PlaysEachChannelWithAStateOfItsOwn()
    {
        // An untrained model (recommended initialisation) without skip, and stereo 24-bit input whose channels differ.
        var amp = AmpLstm40.Create();
        ParameterInitializer.Recommended(AmpLstm40.Description, amp.Parameters, seed: 5);
        string model = Path.Combine(_folder, "amp.json");
        AmpJsonWriter.Write(model, amp, skip: 0);
        float[] left = DemoSignal.Pluck(44_100, 500);
        float[] right = [.. left.Select(x => -0.5f * x)];
        string input = Path.Combine(_folder, "stereo.wav");
        WavWriter.Write(input, new WavAudio(44_100, [left, right]), WavEncoding.Pcm24);

        (int code, string output, string error) = Run("--model", model, "--input", input);
        Assert.True(code == 0, error);
        Assert.Contains("2 channel(s), each through a model state of its own", output);
        WavAudio read = WavReader.Read(input);
        WavAudio result = WavReader.Read(Path.Combine(_folder, "stereo.out.wav"));
        Assert.Equal(44_100, result.SampleRate);
        Assert.Equal(Stepped(model, read.Channels[0], expectedSkip: 0), result.Channels[0]);
        Assert.Equal(Stepped(model, read.Channels[1], expectedSkip: 0), result.Channels[1]);

        // PCM16 output: the same signal, rounded to 16 bits.
        string pcm = Path.Combine(_folder, "pcm16.wav");
        Assert.Equal(0, Run("--model", model, "--input", input, "--output", pcm, "--encoding", "pcm16").Code);
        WavAudio rounded = WavReader.Read(pcm);
        Assert.Equal(WavEncoding.Pcm16, rounded.Encoding);
        Assert.All(rounded.Channels[1].Zip(result.Channels[1]), p => Assert.InRange(p.First - p.Second, -1 / 32768f, 1 / 32768f));
    }

    [Fact]
    public void RtNeuralFile_IsRecognisedAndPlayedWithoutSkip()
    {
        // An AIDA-X-style RTNeural file of the declared shape (Keras layout: kernels [in][4H]), random weights.
        var random = new Random(9);
        string Row(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => ((random.NextSingle() - 0.5f) * 0.4f).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        string Rows(int rows, int n) => "[" + string.Join(",", Enumerable.Range(0, rows).Select(_ => Row(n))) + "]";
        string model = Path.Combine(_folder, "aidax.json");
        File.WriteAllText(model, "{\"in_shape\": [null, null, 1], \"layers\": ["
            + $"{{\"type\": \"lstm\", \"activation\": \"tanh\", \"shape\": [null, null, 40], \"weights\": [{Rows(1, 160)}, {Rows(40, 160)}, {Row(160)}]}},"
            + $"{{\"type\": \"dense\", \"activation\": \"\", \"shape\": [null, null, 1], \"weights\": [{Rows(40, 1)}, {Row(1)}]}}]}}");
        string input = Path.Combine(_folder, "mono.wav");
        WavWriter.Write(input, new WavAudio(48_000, [DemoSignal.Pluck(48_000, 300)]), WavEncoding.Float32);

        (int code, string output, string error) = Run("--model", model, "--input", input);
        Assert.True(code == 0, error);
        Assert.Contains("(RTNeural, LSTM 1 -> 40", output);
        var amp = AmpLstm40.Create();
        Assert.Equal((AmpModelFormat.RtNeural, 0), AmpModelFile.Load(model, amp));
        Assert.Equal(Stepped(model, WavReader.Read(input).Channels[0], expectedSkip: 0, AmpModelFormat.RtNeural), WavReader.Read(Path.Combine(_folder, "mono.out.wav")).Channels[0]);
    }

    [Fact]
    public void AModelOfAnotherShapeExitsOneNamingTheDeclarationItNeeds()
    {
        Assert.Equal(0, Run("--demo", "--demo-dir", _folder, "--demo-epochs", "0", "--demo-seconds", "0.01").Code);
        string model = Path.Combine(_folder, "demo-model.json");
        string other = Path.Combine(_folder, "hidden20.json");
        File.WriteAllText(other, File.ReadAllText(model).Replace("\"hidden_size\":40", "\"hidden_size\":20", StringComparison.Ordinal));
        (int code, _, string error) = Run("--model", other, "--input", Path.Combine(_folder, "demo-input.wav"));
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("[RecurrentModel][Lstm(1, 20)][Dense(1)]", error);
    }

    [Fact]
    public void BrokenFilesExitOneWithOneLine()
    {
        Assert.Equal(0, Run("--demo", "--demo-dir", _folder, "--demo-epochs", "0", "--demo-seconds", "0.01").Code);
        string model = Path.Combine(_folder, "demo-model.json");
        string input = Path.Combine(_folder, "demo-input.wav");
        string truncated = Path.Combine(_folder, "truncated.wav");
        File.WriteAllBytes(truncated, File.ReadAllBytes(input)[..^10]);
        string neither = Path.Combine(_folder, "neither.json");
        File.WriteAllText(neither, "{\"weights\": []}");

        foreach (string[] args in new[] { ["--model", model, "--input", truncated], ["--model", neither, "--input", input], new[] { "--model", input, "--input", input } })
        {
            (int code, _, string error) = Run(args);
            Assert.Equal(1, code);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.StartsWith("AmpPlayer: '", error, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(_folder, "truncated.out.wav")));
    }

    [Fact]
    public void CommandLinesThatDoNotSayWhatToPlayExitTwo()
    {
        string file = Path.Combine(_folder, "exists.json");
        File.WriteAllText(file, "{}");
        foreach (string[] args in new[] { [], ["--model", file], ["--demo", "--model", file], ["--input", file], new[] { "--model", file, "--input", file, "--demo-seconds", "2" } })
        {
            (int code, string output, string error) = Run(args);
            Assert.Equal(2, code);
            Assert.Empty(output);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.EndsWith("(try --help)", error.TrimEnd(), StringComparison.Ordinal);
        }
    }

    // The model loaded from the file and stepped sample by sample, the input added when the file says skip 1.
    private static float[] Stepped(string modelPath, float[] input, int expectedSkip, AmpModelFormat expectedFormat = AmpModelFormat.AutomatedGuitarAmp)
    {
        var model = AmpLstm40.Create();
        (AmpModelFormat format, int skip) = AmpModelFile.Load(modelPath, model);
        Assert.Equal((expectedFormat, expectedSkip), (format, skip));
        var state = new float[AmpLstm40.StateSize];
        var y = new float[1];
        var output = new float[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            model.Step(input.AsSpan(i, 1), state, y);
            output[i] = y[0] + (skip == 1 ? input[i] : 0);
        }

        return output;
    }

    private static (int Code, string Output, string Error) Run(params string[] args) => ConsoleCapture.Run(() => AmpPlayer.Program.Main(args));
}
