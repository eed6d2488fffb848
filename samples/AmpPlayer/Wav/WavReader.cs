using System.Buffers.Binary;
using System.Text;

namespace AmpPlayer.Wav;

/// <summary>
/// Reads a RIFF WAV file of 16- or 24-bit integer PCM or 32-bit float samples, strictly: a file that is cut short, has
/// a chunk whose size runs past the end, a format chunk that contradicts itself, or an encoding other than those is an
/// <see cref="InvalidDataException"/> naming the file and what is wrong, never a shorter or garbled signal.
/// </summary>
/// <remarks>
/// Why not NAudio: NAudio.Core restores here and reads these files on Linux, but its chunk reader is lenient by design
/// (a data chunk cut short reads as a shorter signal without a word), and a file a model is meant to reproduce sample
/// for sample should not lose its end silently. The layout (Microsoft's RIFF/WAVE: "RIFF" size "WAVE", then chunks of
/// id, little-endian size and data padded to an even length; "fmt " before "data") is small enough to check whole.
/// Chunks other than "fmt " and "data" (LIST, fact, cue, ...) are skipped; bytes after the RIFF chunk are ignored.
/// </remarks>
public static class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    // The GUID of WAVE_FORMAT_EXTENSIBLE's sub-format after its first two bytes (which hold the format tag).
    private static ReadOnlySpan<byte> SubFormatTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a WAV file this reader can read, or is broken (the message says how).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static WavAudio Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a WAV file's bytes; <paramref name="source"/> names them in messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a WAV file this reader can read, or are broken.</exception>
    public static WavAudio Read(ReadOnlySpan<byte> bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        InvalidDataException Bad(string what) => new($"'{source}' is not a readable WAV file: {what}.");

        if (bytes.Length < 12)
        {
            throw Bad($"{bytes.Length} bytes, fewer than a RIFF header's 12");
        }

        string riff = Id(bytes[..4]);
        if (riff is "RF64" or "BW64")
        {
            throw Bad($"{riff} (a WAV over 4 GB) is not supported");
        }

        if (riff != "RIFF" || Id(bytes[8..12]) != "WAVE")
        {
            throw Bad($"it starts with '{riff}'...'{Id(bytes[8..12])}', not 'RIFF'...'WAVE'");
        }

        long riffEnd = 8 + (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (riffEnd > bytes.Length)
        {
            throw Bad($"the RIFF header says {riffEnd} bytes, the file has {bytes.Length} (truncated?)");
        }

        Format? format = null;
        ReadOnlySpan<byte> data = default;
        bool haveData = false;
        int at = 12;
        while (at < riffEnd)
        {
            if (riffEnd - at < 8)
            {
                throw Bad($"{riffEnd - at} stray bytes at offset {at}, too few for a chunk header");
            }

            string id = Id(bytes.Slice(at, 4));
            long size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 4)..]);
            long start = at + 8;
            if (start + size > riffEnd)
            {
                throw Bad($"chunk '{id}' at offset {at} says {size} bytes, but only {riffEnd - start} remain (truncated, or a wrong chunk size)");
            }

            ReadOnlySpan<byte> body = bytes.Slice((int)start, (int)size);
            switch (id)
            {
                case "fmt ":
                    if (format is not null) throw Bad("a second 'fmt ' chunk");
                    format = ReadFormat(body, Bad);
                    break;
                case "data":
                    if (haveData) throw Bad("a second 'data' chunk");
                    if (format is null) throw Bad("the 'data' chunk comes before the 'fmt ' chunk");
                    data = body;
                    haveData = true;
                    break;
            }

            // Chunks are padded to an even length; a missing pad byte after the last chunk is common and harmless.
            at = (int)Math.Min(riffEnd, start + size + (size & 1));
        }

        if (format is null) throw Bad("no 'fmt ' chunk");
        if (!haveData) throw Bad("no 'data' chunk");
        Format f = format.Value;
        if (data.Length % f.BlockAlign != 0)
        {
            throw Bad($"the 'data' chunk's {data.Length} bytes are not whole frames of {f.BlockAlign} bytes");
        }

        return new WavAudio(f.SampleRate, Decode(data, f, source), f.Encoding);
    }

    private readonly record struct Format(WavEncoding Encoding, int Channels, int SampleRate, int BlockAlign);

    private static Format ReadFormat(ReadOnlySpan<byte> fmt, Func<string, InvalidDataException> bad)
    {
        if (fmt.Length < 16)
        {
            throw bad($"the 'fmt ' chunk has {fmt.Length} bytes, fewer than 16");
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        uint byteRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[8..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == FormatExtensible)
        {
            // WAVE_FORMAT_EXTENSIBLE: cbSize 22, valid bits, channel mask, then the sub-format GUID.
            if (fmt.Length < 40)
            {
                throw bad($"an extensible 'fmt ' chunk has {fmt.Length} bytes, fewer than 40");
            }

            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            if (validBits != 0 && validBits != bits)
            {
                throw bad($"{validBits} valid bits in {bits}-bit containers are not supported");
            }

            if (!fmt.Slice(26, 14).SequenceEqual(SubFormatTail))
            {
                throw bad("an extensible format whose sub-format is not PCM or IEEE float");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        WavEncoding encoding = (tag, bits) switch
        {
            (FormatPcm, 16) => WavEncoding.Pcm16,
            (FormatPcm, 24) => WavEncoding.Pcm24,
            (FormatFloat, 32) => WavEncoding.Float32,
            _ => throw bad($"format tag {tag} with {bits} bits per sample; this reader takes 16- and 24-bit PCM (tag 1) and 32-bit float (tag 3)"),
        };
        if (channels < 1) throw bad("0 channels");
        if (sampleRate < 1 || sampleRate > int.MaxValue) throw bad($"a sample rate of {sampleRate}");
        if (blockAlign != channels * (bits / 8))
        {
            throw bad($"block align {blockAlign}, but {channels} channel(s) of {bits} bits make {channels * (bits / 8)}");
        }

        if (byteRate != sampleRate * (ulong)blockAlign)
        {
            throw bad($"byte rate {byteRate}, but {sampleRate} frames per second of {blockAlign} bytes make {sampleRate * (ulong)blockAlign}");
        }

        return new Format(encoding, channels, (int)sampleRate, blockAlign);
    }

    // Integer PCM is scaled by 2^-15 or 2^-23, a power of two, so that WavWriter's inverse gives back the same integers.
    private static float[][] Decode(ReadOnlySpan<byte> data, Format f, string source)
    {
        int frames = data.Length / f.BlockAlign;
        int width = f.BlockAlign / f.Channels;
        var channels = new float[f.Channels][];
        for (int c = 0; c < f.Channels; c++)
        {
            var samples = new float[frames];
            for (int i = 0; i < frames; i++)
            {
                ReadOnlySpan<byte> s = data.Slice(i * f.BlockAlign + c * width, width);
                samples[i] = f.Encoding switch
                {
                    WavEncoding.Pcm16 => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
                    WavEncoding.Pcm24 => ((s[0] | (s[1] << 8) | (s[2] << 16)) << 8 >> 8) / 8388608f,
                    _ => BinaryPrimitives.ReadSingleLittleEndian(s),
                };

                // One NaN or infinity would stay in a recurrent model's state for the rest of the file.
                if (!float.IsFinite(samples[i]))
                {
                    throw new InvalidDataException($"'{source}' holds a non-finite sample ({samples[i]}) in channel {c} at frame {i}.");
                }
            }

            channels[c] = samples;
        }

        return channels;
    }

    private static string Id(ReadOnlySpan<byte> id)
    {
        var text = new StringBuilder(4);
        foreach (byte b in id)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }

        return text.ToString();
    }
}
