namespace AmpPlayer.Wav;

/// <summary>The sample encodings <see cref="WavReader"/> reads and <see cref="WavWriter"/> writes.</summary>
public enum WavEncoding
{
    /// <summary>16-bit signed integer PCM (format tag 1).</summary>
    Pcm16,

    /// <summary>24-bit signed integer PCM, packed in 3 bytes (format tag 1).</summary>
    Pcm24,

    /// <summary>32-bit IEEE float (format tag 3), the encoding that keeps a model's output exactly.</summary>
    Float32,
}
