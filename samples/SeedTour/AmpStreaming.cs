using System.Diagnostics;
using GenRnn.Training;

namespace SeedTour;

/// <summary>What streaming one second of audio through <see cref="AmpModel"/> cost.</summary>
/// <param name="Steps">Samples processed (48,000 for one second at 48 kHz).</param>
/// <param name="Milliseconds">Wall time for all of them.</param>
/// <param name="BytesAllocated">Bytes allocated on the streaming thread while they ran.</param>
public sealed record StreamingResult(int Steps, double Milliseconds, long BytesAllocated)
{
    /// <summary>Nanoseconds per step.</summary>
    public double NanosecondsPerStep => Milliseconds * 1e6 / Steps;
}

/// <summary>The streaming demo: a randomly initialised <see cref="AmpModel"/> applied sample by sample to a 440 Hz tone.</summary>
public static class AmpStreaming
{
    /// <summary>Streams <paramref name="steps"/> samples of a 48 kHz sine through the model, one step at a time.</summary>
    public static StreamingResult Run(int steps = 48_000)
    {
        const int sampleRate = 48_000;
        var model = new AmpModel();
        ParameterInitializer.PyTorchDefault(AmpModel.Description, model.Parameters, seed: 42);
        var state = new AmpModel.State();
        Span<float> input = stackalloc float[AmpModel.InputSize];
        Span<float> output = stackalloc float[AmpModel.OutputSize];
        for (int i = 0; i < 2000; i++)
        {
            input[0] = MathF.Sin(i * 0.05f); // warm-up: let the JIT finish its tiers
            model.Step(input, ref state, output);
        }

        state = default;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            input[0] = MathF.Sin(2 * MathF.PI * 440 * i / sampleRate);
            model.Step(input, ref state, output);
        }

        watch.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return new StreamingResult(steps, watch.Elapsed.TotalMilliseconds, allocated);
    }
}
