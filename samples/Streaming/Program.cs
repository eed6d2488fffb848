using System.Diagnostics;
using System.Runtime.CompilerServices;
using GenRnn;
using GenRnn.Training;
using Spectre.Console;

namespace Streaming;

/// <summary>Per-step latency of an LSTM applied sample by sample to 48 kHz audio.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Samples">Samples streamed.</param>
/// <param name="Percentiles">Per-step latency in nanoseconds at p50, p90, p99, p99.9 and the maximum.</param>
/// <param name="TotalMilliseconds">Time for all samples, timing included.</param>
/// <param name="BytesAllocated">Bytes allocated on the audio thread while streaming (must be 0).</param>
public sealed record LatencyReport(string Model, int Samples, double[] Percentiles, double TotalMilliseconds, long BytesAllocated)
{
    /// <summary>Processing time divided by the audio's duration; below 1 keeps up with real time.</summary>
    public double RealTimeFactor => TotalMilliseconds / 1000 / (Samples / (double)Program.SampleRate);
}

/// <summary>
/// Streams a generated 48 kHz waveform through small LSTMs one sample at a time, as an audio plugin's callback would,
/// and reports the per-step latency percentiles, the real-time factor and the bytes allocated (0). The 16-unit model
/// is first trained for a few hundred updates to imitate a simple overdrive (a one-pole low-pass, then tanh(4x)).
/// </summary>
public static class Program
{
    /// <summary>The audio rate.</summary>
    public const int SampleRate = 48_000;

    /// <summary>Options: <c>--seconds S</c> of audio (default 10), <c>--train-updates N</c> (default 400; 0 streams a randomly initialised model), <c>--help</c>.</summary>
    public static int Main(string[] args)
    {
        var cli = new GenRnn.Samples.SampleArguments("Streaming", "Streams 48 kHz audio through small LSTMs one sample at a time and reports per-step latency and bytes allocated.");
        var secondsOption = cli.Number("--seconds", "S", 10, "seconds of audio to stream", 0.01, 3600);
        var updatesOption = cli.Int("--train-updates", 400, "updates training the 16-unit model to imitate an overdrive; 0 streams a randomly initialised model", 0, 1_000_000);
        cli.Note("Small values (e.g. --seconds 0.2 --train-updates 5) are for a fast smoke run; the latency percentiles need the longer default run to settle.");
        if (cli.Parse(args) is int exit) return exit;
        double seconds = secondsOption.Value;
        int updates = updatesOption.Value;
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 150; // a log file: room for the tables
        }

        float[] audio = Waveform((int)(seconds * SampleRate));

        var small = AmpLstm16.Create();
        ParameterInitializer.Recommended(AmpLstm16.Description, small.Parameters, seed: 1);
        if (updates > 0)
        {
            (double before, double after) = TrainOverdrive(small, updates);
            AnsiConsole.MarkupLine($"Trained {nameof(AmpLstm16)} to imitate an overdrive in {updates} updates: test MSE {before:F4} -> {after:F5}.");
        }

        var large = AmpLstm64.Create();
        ParameterInitializer.PyTorchDefault(AmpLstm64.Description, large.Parameters, seed: 1);
        LatencyReport[] reports = [Measure(small, audio), Measure(large, audio)];

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{audio.Length:N0} samples ({seconds:G} s of 48 kHz audio), one step per sample[/]")
            .AddColumns("model", "parameters", "p50 ns", "p90 ns", "p99 ns", "p99.9 ns", "max ns", "real-time factor", "bytes allocated");
        foreach (var (report, parameters) in reports.Zip(new[] { AmpLstm16.ParameterCount, AmpLstm64.ParameterCount }))
        {
            string[] p = report.Percentiles.Select(v => v.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            table.AddRow(report.Model, parameters.ToString(System.Globalization.CultureInfo.InvariantCulture), p[0], p[1], p[2], p[3], p[4], report.RealTimeFactor.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), report.BytesAllocated.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Latencies include reading the clock around each step (Stopwatch.GetTimestamp, ~20-30 ns).");
        bool clean = reports.All(r => r.BytesAllocated == 0);
        if (!clean)
        {
            AnsiConsole.MarkupLine("[red]The audio loop allocated memory.[/]");
        }

        return clean ? 0 : 1;
    }

    /// <summary>
    /// A plucked-string-like test signal: a 110 Hz tone with three harmonics under a decaying envelope, re-plucked
    /// twice a second, plus a little noise.
    /// </summary>
    public static float[] Waveform(int samples)
    {
        var random = new Random(7);
        var audio = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            double t = (double)i / SampleRate;
            double sincePluck = t % 0.5;
            double tone = Math.Sin(2 * Math.PI * 110 * t) + 0.5 * Math.Sin(2 * Math.PI * 220 * t) + 0.25 * Math.Sin(2 * Math.PI * 330 * t);
            audio[i] = (float)(0.5 * Math.Exp(-4 * sincePluck) * tone + 0.01 * (random.NextDouble() - 0.5));
        }

        return audio;
    }

    /// <summary>Times every step of <paramref name="model"/> over <paramref name="audio"/>; nothing is allocated inside the loop.</summary>
    public static LatencyReport Measure<TModel>(TModel model, float[] audio) where TModel : class, IRecurrentModel<TModel>
    {
        var latencies = new long[audio.Length];
        var state = new float[TModel.StateSize];
        var output = new float[TModel.OutputSize];
        var processed = new float[audio.Length];

        // Warm-up through the very loop that is measured, until a whole block of 4,800 steps allocates nothing:
        // until then the JIT is still moving the code between tiers (at most a few blocks).
        int warmUp = Math.Min(audio.Length, 4800);
        for (int block = 0; block < 50; block++)
        {
            long start0 = GC.GetAllocatedBytesForCurrentThread();
            StreamLoop(model, audio.AsSpan(0, warmUp), state, output, processed, latencies);
            if (GC.GetAllocatedBytesForCurrentThread() == start0 && block >= 2) break;
        }

        Array.Clear(state);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        StreamLoop(model, audio, state, output, processed, latencies);
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Array.Sort(latencies);
        double toNs = 1e9 / Stopwatch.Frequency;
        double At(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))] * toNs;
        double[] percentiles = [At(0.5), At(0.9), At(0.99), At(0.999), latencies[^1] * toNs];
        return new LatencyReport(typeof(TModel).Name, audio.Length, percentiles, (end - start) * toNs / 1e6, allocated);
    }

    /// <summary>The audio callback: one step per sample, each timed. Compiled fully optimised at once (no tiering, no OSR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StreamLoop<TModel>(TModel model, ReadOnlySpan<float> audio, float[] state, float[] output, float[] processed, long[] latencies)
        where TModel : class, IRecurrentModel<TModel>
    {
        for (int i = 0; i < audio.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Step(audio.Slice(i, 1), state, output);
            processed[i] = output[0];
            latencies[i] = Stopwatch.GetTimestamp() - t0;
        }
    }

    /// <summary>Trains the model to imitate y = tanh(4·lowpass(x)) on chunks of the waveform; returns the test MSE before and after.</summary>
    private static (double Before, double After) TrainOverdrive(AmpLstm16 model, int updates)
    {
        float[] source = Waveform(SampleRate * 2);
        float[] target = Overdrive(source);
        const int chunk = 256;
        var random = new Random(3);
        Sample Chunk()
        {
            int at = random.Next(source.Length - chunk);
            return Sample.FromVectors(source[at..(at + chunk)], target[at..(at + chunk)]);
        }

        List<Sample> test = Enumerable.Range(0, 32).Select(_ => Chunk()).ToList();
        var options = new TrainerOptions { Loss = LossKind.MeanSquaredError, Scenario = Scenario.ManyToMany, Clip = GradientClip.ByNorm(1) };
        using var trainer = new Trainer<AmpLstm16>(model, new Adam(AmpLstm16.ParameterCount, 1e-2), options);
        double before = trainer.Evaluate(test).Loss;
        var batch = new List<Sample>();
        for (int u = 0; u < updates; u++)
        {
            batch.Clear();
            for (int i = 0; i < 16; i++) batch.Add(Chunk());
            trainer.TrainBatch(batch);
        }

        return (before, trainer.Evaluate(test).Loss);
    }

    private static float[] Overdrive(float[] x)
    {
        var y = new float[x.Length];
        float low = 0;
        for (int i = 0; i < x.Length; i++)
        {
            low += 0.2f * (x[i] - low);
            y[i] = MathF.Tanh(4 * low);
        }

        return y;
    }
}
