using System.Buffers.Binary;
using System.Text;

namespace AmpPlayer.Wav;

/// <summary>
/// Writes a RIFF WAV file (16- or 24-bit PCM, or 32-bit float) that <see cref="WavReader"/> and common audio tools
/// read, under a temporary name in the destination's folder that is then renamed over it: a failure leaves the old
/// file or none, never half a file.
/// </summary>
public static class WavWriter
{
    /// <summary>Writes <paramref name="audio"/> to <paramref name="path"/> in <paramref name="encoding"/>.</summary>
    /// <remarks>
    /// Integer encodings scale by 2^15 or 2^23 (the inverse of <see cref="WavReader"/>, so PCM read and written again
    /// is unchanged), round to nearest and clip to the integer range: a sample of +1.0 becomes 32767. Float32 keeps
    /// every sample exactly.
    /// </remarks>
    /// <exception cref="ArgumentException">A sample is NaN or infinite, or the audio is too long for a RIFF file (4 GB).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, WavAudio audio, WavEncoding encoding)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Encode(audio, encoding);
        string full = Path.GetFullPath(path);
        string temporary = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // nothing there after a successful move
        }
    }

    /// <summary>The bytes of a WAV file holding <paramref name="audio"/> (see <see cref="Write"/>).</summary>
    /// <exception cref="ArgumentException">A sample is NaN or infinite, or the audio is too long for a RIFF file.</exception>
    public static byte[] Encode(WavAudio audio, WavEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(audio);
        (ushort tag, int width) = encoding switch
        {
            WavEncoding.Pcm16 => ((ushort)1, 2),
            WavEncoding.Pcm24 => ((ushort)1, 3),
            WavEncoding.Float32 => ((ushort)3, 4),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Not a WavEncoding."),
        };
        int channels = audio.Channels.Length;
        int blockAlign = channels * width;
        long dataBytes = (long)audio.Frames * blockAlign;
        // Float files carry a fact chunk (frames per channel), as the WAVE format asks of every non-PCM format.
        bool fact = encoding == WavEncoding.Float32;
        long total = 12 + 8 + 16 + (fact ? 12 : 0) + 8 + dataBytes + (dataBytes & 1);
        if (total - 8 > uint.MaxValue || total > Array.MaxLength)
        {
            throw new ArgumentException($"{audio.Frames} frames of {channels} channel(s) are too long for a RIFF WAV file.", nameof(audio));
        }

        var bytes = new byte[total];
        int at = 0;
        void Id(string id) { Encoding.ASCII.GetBytes(id, bytes.AsSpan(at)); at += 4; }
        void U32(long value) { BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)value); at += 4; }
        void U16(int value) { BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)value); at += 2; }

        Id("RIFF"); U32(total - 8); Id("WAVE");
        Id("fmt "); U32(16); U16(tag); U16(channels); U32(audio.SampleRate); U32((long)audio.SampleRate * blockAlign); U16(blockAlign); U16(width * 8);
        if (fact)
        {
            Id("fact"); U32(4); U32(audio.Frames);
        }

        Id("data"); U32(dataBytes);
        for (int i = 0; i < audio.Frames; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                float x = audio.Channels[c][i];
                if (!float.IsFinite(x))
                {
                    throw new ArgumentException($"Sample {i} of channel {c} is {x}; a WAV file holds finite samples.", nameof(audio));
                }

                Span<byte> s = bytes.AsSpan(at, width);
                switch (encoding)
                {
                    case WavEncoding.Pcm16:
                        BinaryPrimitives.WriteInt16LittleEndian(s, (short)Math.Clamp(MathF.Round(x * 32768f), short.MinValue, short.MaxValue));
                        break;
                    case WavEncoding.Pcm24:
                        int v = (int)Math.Clamp(Math.Round(x * 8388608.0), -8388608, 8388607);
                        s[0] = (byte)v;
                        s[1] = (byte)(v >> 8);
                        s[2] = (byte)(v >> 16);
                        break;
                    default:
                        BinaryPrimitives.WriteSingleLittleEndian(s, x);
                        break;
                }

                at += width;
            }
        }

        return bytes; // a pad byte, if any, is already zero
    }
}
