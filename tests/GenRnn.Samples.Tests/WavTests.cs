using System.Buffers.Binary;
using System.Text;
using AmpPlayer.Wav;
using Xunit;

namespace GenRnn.Samples.Tests;

/// <summary>AmpPlayer's WAV reader and writer: exact round trips, and every kind of broken file refused by name.</summary>
public sealed class WavTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genrnn-wav-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static WavAudio Stereo(int frames) => new(44_100, [
        [.. Enumerable.Range(0, frames).Select(i => MathF.Sin(i * 0.1f) * 0.8f)],
        [.. Enumerable.Range(0, frames).Select(i => (i % 7 - 3) / 4f)]]);

    [Fact]
    public void Float32RoundTripsExactly()
    {
        WavAudio audio = Stereo(101);
        string path = Path.Combine(_folder, "f.wav");
        WavWriter.Write(path, audio, WavEncoding.Float32);
        WavAudio back = WavReader.Read(path);
        Assert.Equal(44_100, back.SampleRate);
        Assert.Equal(WavEncoding.Float32, back.Encoding);
        Assert.Equal(audio.Channels, back.Channels);
        Assert.Equal(["RIFF", "WAVE", "fmt ", "fact", "data"], ChunkIds(File.ReadAllBytes(path)));
    }

    [Theory]
    [InlineData(WavEncoding.Pcm16, 32768)]
    [InlineData(WavEncoding.Pcm24, 8388608)]
    public void PcmIsScaledByAPowerOfTwoSoThatItRoundTrips(WavEncoding encoding, int scale)
    {
        // Integers as samples: written and read back, then written again, they are unchanged.
        float[] ints = [0, 1, -1, 12345, -12346, scale - 1, -scale];
        var audio = new WavAudio(8_000, [[.. ints.Select(v => v / scale)]]);
        WavAudio once = WavReader.Read(WavWriter.Encode(audio, encoding), "once");
        Assert.Equal(encoding, once.Encoding);
        Assert.Equal(audio.Channels[0], once.Channels[0]);
        Assert.Equal(WavWriter.Encode(audio, encoding), WavWriter.Encode(once, encoding));
    }

    [Fact]
    public void PcmClipsAtFullScale()
    {
        var audio = new WavAudio(8_000, [[1f, -1f, 3f, -3f, 0.5f]]);
        Assert.Equal([32767 / 32768f, -1f, 32767 / 32768f, -1f, 0.5f], WavReader.Read(WavWriter.Encode(audio, WavEncoding.Pcm16), "clip").Channels[0]);
        Assert.Equal(8388607 / 8388608f, WavReader.Read(WavWriter.Encode(audio, WavEncoding.Pcm24), "clip").Channels[0][2]);
    }

    [Fact]
    public void SkipsOtherChunksPaddedToAnEvenLength()
    {
        // A LIST chunk of odd length (padded) before the data, as tools write metadata.
        byte[] plain = WavWriter.Encode(new WavAudio(16_000, [[0.25f, -0.5f]]), WavEncoding.Pcm16);
        byte[] list = [.. "LIST"u8, 3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c', 0];
        byte[] withList = [.. plain[..36], .. list, .. plain[36..]];
        BinaryPrimitives.WriteUInt32LittleEndian(withList.AsSpan(4), (uint)(withList.Length - 8));
        Assert.Equal([0.25f, -0.5f], WavReader.Read(withList, "list").Channels[0]);
    }

    [Fact]
    public void ReadsWaveFormatExtensible()
    {
        byte[] plain = WavWriter.Encode(new WavAudio(48_000, [[0.5f], [-0.25f]]), WavEncoding.Pcm24);
        byte[] fmt = new byte[40];
        plain.AsSpan(20, 16).CopyTo(fmt);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), 3);
        byte[] guid = [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        guid.CopyTo(fmt, 24);
        byte[] file = [.. plain[..16], 40, 0, 0, 0, .. fmt, .. plain[36..]];
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        WavAudio audio = WavReader.Read(file, "extensible");
        Assert.Equal(WavEncoding.Pcm24, audio.Encoding);
        Assert.Equal([[0.5f], [-0.25f]], audio.Channels);

        file[24 + 20 + 2] = 0x11; // a sub-format GUID that is not Microsoft's
        AssertBroken(file, "sub-format");
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> BrokenFiles => new()
    {
        { "empty", _ => [], "fewer than a RIFF header" },
        { "not RIFF", b => [.. "RIFX"u8, .. b[4..]], "not 'RIFF'" },
        { "RF64", b => [.. "RF64"u8, .. b[4..]], "RF64" },
        { "truncated data", b => b[..^3], "truncated" },
        { "data size past the end", b => Patch32(b, 52, 1000), "'data'" },
        { "fmt size past the end", b => Patch32(b, 16, 100_000), "'fmt '" },
        { "no data chunk", b => Riff(b[12..48]), "no 'data' chunk" },
        { "data before fmt", b => Riff([.. b[48..], .. b[12..48]]), "before the 'fmt ' chunk" },
        { "ADPCM", b => Patch16(b, 20, 2), "format tag 2" },
        { "8-bit PCM", b => Patch16(Patch16(b, 20, 1), 34, 8), "8 bits" },
        { "block align", b => Patch16(b, 32, 7), "block align 7" },
        { "byte rate", b => Patch32(b, 28, 5), "byte rate 5" },
        { "part of a frame", b => Riff([.. Patch32(b, 52, 3)[12..56], 0, 0, 0]), "whole frames" },
        { "NaN", b => Patch32(b, 56, BitConverter.SingleToUInt32Bits(float.NaN)), "non-finite" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void BrokenFilesAreRefusedWithTheReason(string name, Func<byte[], byte[]> breakIt, string reason)
    {
        // A mono float file: RIFF header (0-11), fmt chunk (12-35), fact chunk (36-47), data header (48-55), samples from 56.
        byte[] good = WavWriter.Encode(new WavAudio(8_000, [[0.1f, 0.2f, 0.3f, 0.4f]]), WavEncoding.Float32);
        Assert.Equal(4, WavReader.Read(good, name).Frames);
        AssertBroken(breakIt(good), reason);
    }

    [Fact]
    public void TheWriterRefusesNonFiniteSamplesAndLeavesTheOldFile()
    {
        string path = Path.Combine(_folder, "keep.wav");
        WavWriter.Write(path, new WavAudio(8_000, [[0.5f]]), WavEncoding.Pcm16);
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<ArgumentException>(() => WavWriter.Write(path, new WavAudio(8_000, [[0.5f, float.PositiveInfinity]]), WavEncoding.Float32));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.wav"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void AudioChecksItsShape()
    {
        Assert.Throws<ArgumentException>(() => new WavAudio(8_000, []));
        Assert.Throws<ArgumentException>(() => new WavAudio(8_000, [[1f], [1f, 2f]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavAudio(0, [[1f]]));
    }

    private static void AssertBroken(byte[] file, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(file, "broken.wav"));
        Assert.Contains("'broken.wav'", e.Message);
        Assert.Contains(reason, e.Message);
    }

    private static byte[] Patch16(byte[] b, int at, int value)
    {
        byte[] copy = [.. b];
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(at), (ushort)value);
        return copy;
    }

    private static byte[] Patch32(byte[] b, int at, uint value)
    {
        byte[] copy = [.. b];
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    // A RIFF/WAVE header of the right size around chunks.
    private static byte[] Riff(byte[] chunks)
    {
        byte[] file = [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVE"u8, .. chunks];
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        return file;
    }

    private static List<string> ChunkIds(byte[] file)
    {
        var ids = new List<string> { Encoding.ASCII.GetString(file, 0, 4), Encoding.ASCII.GetString(file, 8, 4) };
        for (int at = 12; at < file.Length; at += 8 + BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 4)))
        {
            ids.Add(Encoding.ASCII.GetString(file, at, 4));
        }

        return ids;
    }
}
