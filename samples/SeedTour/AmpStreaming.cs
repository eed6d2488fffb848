using System.Diagnostics;
using System.Runtime.CompilerServices;
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
    /// <summary>One step per sample of a 440 Hz sine at 48 kHz; compiled fully optimised at once (no tiering, no OSR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Stream(AmpModel model, ref AmpModel.State state, int steps)
    {
        const int sampleRate = 48_000;
        Span<float> input = stackalloc float[AmpModel.InputSize];
        Span<float> output = stackalloc float[AmpModel.OutputSize];
        for (int i = 0; i < steps; i++)
        {
            input[0] = MathF.Sin(2 * MathF.PI * 440 * i / sampleRate);
            model.Step(input, ref state, output);
        }
    }

    /// <summary>Streams <paramref name="steps"/> samples of a 48 kHz sine through the model, one step at a time.</summary>
    public static StreamingResult Run(int steps = 48_000)
    {
        var model = new AmpModel();
        ParameterInitializer.PyTorchDefault(AmpModel.Description, model.Parameters, seed: 42);
        var state = new AmpModel.State();
        // Warm-up through the measured loop itself until a whole block of 4,800 steps allocates nothing: until then
        // the JIT is still moving the code between tiers (at most a few blocks).
        for (int block = 0; block < 50; block++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            Stream(model, ref state, 4800);
            if (GC.GetAllocatedBytesForCurrentThread() == start && block >= 2) break;
        }

        state = default;
        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        Stream(model, ref state, steps);
        long ended = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return new StreamingResult(steps, Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds, allocated);
    }
}
