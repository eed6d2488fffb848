using System.Diagnostics;
using System.Runtime.CompilerServices;
using AmpPlayer.Wav;
using GenRnn;

namespace AmpPlayer;

/// <summary>
/// Plays audio through a one-in, one-out model one sample at a time, as a plugin's audio callback would: each channel
/// with a state of its own (a stereo file is two amps, left and right, not a mono mix), the file's skip connection
/// added after each step, and every sample timed.
/// </summary>
public static class Player
{
    /// <summary>Processes every channel of <paramref name="input"/>; returns the output at the input's rate and the latency.</summary>
    /// <param name="model">A model of input and output size 1.</param>
    /// <param name="skip">1 to add the input sample to the model's output (Automated-GuitarAmpModelling's skip), 0 not to.</param>
    /// <param name="input">The audio, at least one frame.</param>
    /// <exception cref="ArgumentException">The model is not one in, one out; <paramref name="skip"/> is not 0 or 1; the audio is empty.</exception>
    public static (WavAudio Output, LatencyReport Latency) Play<TModel>(TModel model, int skip, WavAudio input) where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        if (TModel.InputSize != 1 || TModel.OutputSize != 1)
        {
            throw new ArgumentException($"{typeof(TModel).Name} takes {TModel.InputSize} and gives {TModel.OutputSize} values per step; a player of mono samples needs 1 and 1.", nameof(model));
        }

        if (skip is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(skip), skip, "skip adds the one input channel to the one output: 0 or 1.");
        }

        if (input.Frames == 0)
        {
            throw new ArgumentException("The audio has no samples to play.", nameof(input));
        }

        var state = new float[TModel.StateSize];
        var output = new float[TModel.OutputSize];
        var channels = new float[input.Channels.Length][];
        var ticks = new long[input.Frames * input.Channels.Length];

        // Warm-up through the very loop that is timed, on a scratch output, so that the timings are of optimised code.
        var scratch = new float[Math.Min(input.Frames, 4800)];
        for (int round = 0; round < 3; round++)
        {
            Array.Clear(state);
            Stream(model, skip, input.Channels[0].AsSpan(0, scratch.Length), scratch, state, output, ticks);
        }

        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = new float[input.Frames];
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int c = 0; c < channels.Length; c++)
        {
            Array.Clear(state); // each channel starts from silence, as a freshly loaded plugin does
            Stream(model, skip, input.Channels[c], channels[c], state, output, ticks.AsSpan(c * input.Frames, input.Frames));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Real time is the file's duration: a stereo amp must process both channels within it.
        return (new WavAudio(input.SampleRate, channels, WavEncoding.Float32), LatencyReport.FromTicks(ticks, input.Seconds, allocated));
    }

    /// <summary>The audio callback: one step per sample, timed. Compiled fully optimised at once (no tiering, no OSR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Stream<TModel>(TModel model, int skip, ReadOnlySpan<float> input, Span<float> processed, float[] state, float[] output, Span<long> ticks)
        where TModel : class, IRecurrentModel<TModel>
    {
        for (int i = 0; i < input.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Step(input.Slice(i, 1), state, output);
            processed[i] = skip == 1 ? output[0] + input[i] : output[0];
            ticks[i] = Stopwatch.GetTimestamp() - t0;
        }
    }
}
