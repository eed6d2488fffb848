using System.Globalization;
using AmpPlayer.Wav;
using GenRnn.Samples;

namespace AmpPlayer;

/// <summary>
/// Plays a WAV file through a guitar-amp model loaded from its JSON file (Automated-GuitarAmpModelling: NeuralPi,
/// Proteus; RTNeural: AIDA-X), one sample at a time, writes the result and reports the per-sample latency. With
/// <c>--demo</c> it first writes a trained demo model and a plucked-string input of its own.
/// </summary>
public static class Program
{
    private const int DemoRate = 48_000;

    /// <summary>Options: see <c>--help</c>. Exit codes: 0 done, 1 a file that cannot be read or written, 2 a bad command line.</summary>
    public static int Main(string[] args)
    {
        var cli = new SampleArguments("AmpPlayer", $"Plays a WAV file through an amp model ({nameof(AmpLstm40)}: LSTM 1 -> 40, Dense(1)) one sample at a time, writes the result and reports per-sample latency.");
        var modelOption = cli.Text("--model", "FILE", null, "the model: an Automated-GuitarAmpModelling (NeuralPi, Proteus) or RTNeural (AIDA-X) JSON file", SampleArguments.ExistingFiles);
        var inputOption = cli.Text("--input", "FILE", null, "the WAV to play: 16- or 24-bit PCM or 32-bit float, any rate; each channel gets a model state of its own", SampleArguments.ExistingFiles);
        var outputOption = cli.Text("--output", "FILE", null, "where to write the result (default: the input's name with .out.wav)");
        var encodingOption = cli.Text("--encoding", "E", "float32", "the output's samples: float32 (exact), pcm24 or pcm16 (rounded, clipped at full scale) (default float32)", SampleArguments.OneOf("float32", "pcm24", "pcm16"));
        var demoOption = cli.Flag("--demo", "write a trained demo model (demo-model.json) and, without --input, a plucked-string demo-input.wav into --demo-dir, then play them");
        var demoDirOption = cli.Text("--demo-dir", "DIR", "amp-demo", "the folder --demo writes to (default amp-demo)");
        var demoEpochsOption = cli.Int("--demo-epochs", 40, "epochs training the demo model (4 updates each; 0 keeps the initialised model)", 0, 100_000);
        var demoSecondsOption = cli.Number("--demo-seconds", "S", 4, "seconds of demo input at 48 kHz", 0.01, 3600);
        cli.Note("Give --model FILE --input FILE, or --demo. A model of another shape is refused with the declaration it needs: change samples/AmpPlayer/Models.cs to it.");
        if (cli.Parse(args) is int exit) return exit;

        bool demo = demoOption.Value;
        if (demo && modelOption.IsSet) return cli.Fail("--demo writes its own model; give --model FILE or --demo, not both");
        if (!demo && !modelOption.IsSet) return cli.Fail("needs --model FILE (or --demo)");
        if (!demo && !inputOption.IsSet) return cli.Fail("needs --input FILE (or --demo)");
        if (!demo && (demoDirOption.IsSet || demoEpochsOption.IsSet || demoSecondsOption.IsSet)) return cli.Fail("--demo-dir, --demo-epochs and --demo-seconds go with --demo");

        try
        {
            string modelPath, inputPath;
            if (demo)
            {
                string folder = demoDirOption.Value!;
                Directory.CreateDirectory(folder);
                modelPath = Path.Combine(folder, "demo-model.json");
                WriteDemoModel(modelPath, demoEpochsOption.Value);
                inputPath = inputOption.Value ?? Path.Combine(folder, "demo-input.wav");
                if (!inputOption.IsSet)
                {
                    float[] pluck = DemoSignal.Pluck(DemoRate, (int)Math.Round(demoSecondsOption.Value * DemoRate));
                    WavWriter.Write(inputPath, new WavAudio(DemoRate, [pluck]), WavEncoding.Pcm16);
                    Console.WriteLine($"Wrote {inputPath}: {demoSecondsOption.Value:G} s of plucked strings, 48 kHz, 16-bit mono.");
                }
            }
            else
            {
                modelPath = modelOption.Value!;
                inputPath = inputOption.Value!;
            }

            string outputPath = outputOption.Value ?? (demo && !inputOption.IsSet
                ? Path.Combine(demoDirOption.Value!, "demo-output.wav")
                : Path.ChangeExtension(inputPath, ".out.wav"));
            WavEncoding encoding = encodingOption.Value switch { "pcm16" => WavEncoding.Pcm16, "pcm24" => WavEncoding.Pcm24, _ => WavEncoding.Float32 };
            return Play(modelPath, inputPath, outputPath, encoding);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"AmpPlayer: {e.Message}");
            return 1;
        }
    }

    /// <summary>Loads the model, plays the input through it, writes the output and prints what happened.</summary>
    private static int Play(string modelPath, string inputPath, string outputPath, WavEncoding encoding)
    {
        var model = AmpLstm40.Create();
        (AmpModelFormat format, int skip) = AmpModelFile.Load(modelPath, model);
        Console.WriteLine($"Model:  {modelPath} ({(format == AmpModelFormat.AutomatedGuitarAmp ? "Automated-GuitarAmpModelling SimpleRNN" : "RTNeural")}, "
            + $"LSTM 1 -> 40, Dense(1), {AmpLstm40.ParameterCount:N0} parameters{(skip == 1 ? "; skip 1: the input is added to the model's output" : "")})");

        WavAudio input = WavReader.Read(inputPath);
        if (input.Frames == 0)
        {
            throw new InvalidDataException($"'{inputPath}' holds no samples.");
        }

        Console.WriteLine($"Input:  {inputPath} ({input.SampleRate:N0} Hz, {input.Channels.Length} channel(s){(input.Channels.Length > 1 ? ", each through a model state of its own" : "")}, "
            + $"{input.Frames:N0} frames = {input.Seconds:F2} s, {input.Encoding})");

        (WavAudio output, LatencyReport latency) = Player.Play(model, skip, input);
        WavWriter.Write(outputPath, output, encoding);
        Console.WriteLine($"Output: {outputPath} ({encoding}; peak {output.Channels.Max(c => c.Max(MathF.Abs)):F3})");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Latency per sample (one Step and the skip, each timed; {latency.Samples:N0} samples): mean {latency.MeanNs:F0} ns, p50 {latency.P50Ns:F0} ns, p99 {latency.P99Ns:F0} ns, max {latency.MaxNs:F0} ns"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Real-time factor at {input.SampleRate} Hz: {latency.RealTimeFactor:F4} (time spent / the audio's duration; below 1 keeps up), {latency.BytesAllocated} bytes allocated while playing"));
        return 0;
    }

    private static void WriteDemoModel(string path, int epochs)
    {
        Console.WriteLine(epochs > 0
            ? $"Training the demo model ({nameof(AmpLstm40)}) for {epochs} epochs to imitate an overdrive (a low-pass, then tanh) with skip 1 ..."
            : $"Writing an untrained demo model ({nameof(AmpLstm40)}, recommended initialisation) ...");
        (AmpLstm40 model, double before, double after) = DemoModel.Train(DemoRate, epochs, (done, loss) =>
        {
            if (done % 10 == 0 || done == epochs) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  epoch {done}: training MSE {loss:F5}"));
        });
        AmpJsonWriter.Write(path, model, skip: 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {path}: test MSE {before:F5} -> {after:F5}."));
    }
}
