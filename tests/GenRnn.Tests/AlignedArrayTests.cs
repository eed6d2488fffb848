using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests;

public class AlignedArrayTests
{
    private static long Address(ref float element) => Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref element);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(1000)]
    [InlineData(5120)]
    [InlineData(300_000)]
    public void CreateReturnsZeroedPinnedArraysOnACacheLine(int length)
    {
        for (int i = 0; i < 20; i++)
        {
            float[] array = AlignedArray.Create(length + i);
            Assert.Equal(length + i, array.Length);
            Assert.True(AlignedArray.IsAligned(array), $"length {length + i}: element 0 at {Address(ref array[0]) % 64} mod 64");
            Assert.Equal(0, Address(ref array[0]) % 64);
            Assert.All(array, value => Assert.Equal(0f, value));
        }
    }

    [Fact]
    public void AnEmptyArrayIsAlignedAndNegativeLengthsThrow()
    {
        Assert.Empty(AlignedArray.Create(0));
        Assert.True(AlignedArray.IsAligned(AlignedArray.Create(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlignedArray.Create(-1));
        Assert.Throws<ArgumentNullException>(() => AlignedArray.IsAligned(null!));
    }

    [Fact]
    public void SliceStartsOnACacheLineWithinTheBuffer()
    {
        Span<float> buffer = stackalloc float[40 + AlignedArray.Padding + 16];
        for (int offset = 0; offset < 16; offset++)
        {
            Span<float> shifted = buffer.Slice(offset, 40 + AlignedArray.Padding);
            Span<float> slice = AlignedArray.Slice(shifted, 40);
            Assert.Equal(40, slice.Length);
            Assert.Equal(0, Address(ref MemoryMarshal.GetReference(slice)) % 64);
            Assert.True(Unsafe.IsAddressGreaterThanOrEqualTo(ref MemoryMarshal.GetReference(slice), ref MemoryMarshal.GetReference(shifted)));
            Assert.True(Unsafe.IsAddressLessThanOrEqualTo(ref slice[^1], ref shifted[^1]));
        }

        Assert.Throws<ArgumentException>(() => AlignedArray.Slice(new float[40 + AlignedArray.Padding - 1], 40));
    }

    [Fact]
    public void GeneratedModelsKeepParametersGradientsAndTracesAligned()
    {
        for (int i = 0; i < 10; i++)
        {
            var lstm = new Lstm17x33();
            var gru = new GruTwoLayers();
            Assert.True(AlignedArray.IsAligned(lstm.Parameters));
            Assert.True(AlignedArray.IsAligned(lstm.Gradients));
            Assert.True(AlignedArray.IsAligned(gru.Parameters));
            Assert.True(AlignedArray.IsAligned(gru.Gradients));
            Trace trace = lstm.CreateTrace(5);
            trace.Begin(5, default);
            Assert.Equal(0, Address(ref trace.Data[0]) % 64);

            // Every step record starts on a cache line: the header and the record are whole lines.
            Assert.Equal(0, trace.HeaderFloats % 16);
            Assert.Equal(0, trace.FloatsPerStep % 16);
        }
    }
}
