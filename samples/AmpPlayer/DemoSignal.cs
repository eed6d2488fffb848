namespace AmpPlayer;

/// <summary>A guitar-like test signal, so that the sample runs on a fresh machine without downloads.</summary>
public static class DemoSignal
{
    /// <summary>
    /// A plucked string: a few harmonics of an open-string note under a decaying envelope, re-plucked every half second
    /// on the next note of E2-A2-D3-G3, plus a little noise; peaks stay below 0.6 of full scale.
    /// </summary>
    public static float[] Pluck(int sampleRate, int frames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        double[] notes = [82.41, 110.0, 146.83, 196.0];
        var random = new Random(7);
        var audio = new float[frames];
        for (int i = 0; i < frames; i++)
        {
            double t = (double)i / sampleRate;
            int pluck = (int)(t / 0.5);
            double since = t - pluck * 0.5;
            double f = notes[pluck % notes.Length];
            double tone = Math.Sin(2 * Math.PI * f * t) + 0.5 * Math.Sin(4 * Math.PI * f * t) + 0.25 * Math.Sin(6 * Math.PI * f * t);
            audio[i] = (float)(0.3 * Math.Exp(-5 * since) * tone + 0.005 * (random.NextDouble() - 0.5));
        }

        return audio;
    }

    /// <summary>
    /// What the demo model learns to do: a crude overdrive, a one-pole low-pass at about 1.7 kHz (at 48 kHz) and then
    /// tanh(4x), scaled back to the input's level.
    /// </summary>
    public static float[] Overdrive(ReadOnlySpan<float> x)
    {
        var y = new float[x.Length];
        float low = 0;
        for (int i = 0; i < x.Length; i++)
        {
            low += 0.2f * (x[i] - low);
            y[i] = 0.5f * MathF.Tanh(4 * low);
        }

        return y;
    }
}
