namespace AmpPlayer.Wav;

/// <summary>
/// Audio as read from or written to a WAV file: one array of samples per channel (a sample of full scale is ±1), all
/// of one length, at one rate.
/// </summary>
public sealed class WavAudio
{
    /// <param name="sampleRate">Frames per second, 1 or more.</param>
    /// <param name="channels">One array per channel, at least one, all of the same length; kept, not copied.</param>
    /// <param name="encoding">The encoding the samples were read from (informational; <see cref="WavWriter"/> takes its own).</param>
    /// <exception cref="ArgumentException">No channel, channels of different lengths, or a rate below 1.</exception>
    public WavAudio(int sampleRate, float[][] channels, WavEncoding encoding = WavEncoding.Float32)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        if (channels.Length == 0)
        {
            throw new ArgumentException("Audio needs at least one channel.", nameof(channels));
        }

        if (channels.Any(c => c is null))
        {
            throw new ArgumentException("A channel is null.", nameof(channels));
        }

        if (channels.Any(c => c.Length != channels[0].Length))
        {
            throw new ArgumentException($"Channels differ in length: {string.Join(", ", channels.Select(c => c.Length))}.", nameof(channels));
        }

        SampleRate = sampleRate;
        Channels = channels;
        Encoding = encoding;
    }

    /// <summary>Frames per second.</summary>
    public int SampleRate { get; }

    /// <summary>The samples, one array per channel.</summary>
    public float[][] Channels { get; }

    /// <summary>The encoding of the file the samples came from.</summary>
    public WavEncoding Encoding { get; }

    /// <summary>Samples per channel.</summary>
    public int Frames => Channels[0].Length;

    /// <summary>The duration in seconds.</summary>
    public double Seconds => (double)Frames / SampleRate;
}
