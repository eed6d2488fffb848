using System.Runtime.InteropServices;

namespace GenRnn;

/// <summary>
/// bfloat16 weight storage for inference (<see cref="RecurrentModelAttribute.BFloat16Inference"/>): a float's upper 16
/// bits, rounded to nearest even. It keeps float's range and 8 bits of mantissa (each weight within 2^-8 relative), and
/// halves the bytes a step streams from memory, which is what bounds the step of a model whose weights outgrow the
/// caches. Widening back is a mask or a shift, so the FMAs stay float32.
/// </summary>
public static class BFloat16
{
    /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even); NaN stays NaN, infinities stay infinite.</summary>
    /// <param name="value">The float.</param>
    /// <returns>Its bfloat16 bits.</returns>
    public static ushort Round(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40); // quiet NaN, sign kept
        }

        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>The float with the bfloat16 bits <paramref name="bits"/> (exact).</summary>
    /// <param name="bits">bfloat16 bits.</param>
    /// <returns>The float.</returns>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary><paramref name="value"/> rounded to bfloat16 and back: the weight a bfloat16 model computes with.</summary>
    /// <param name="value">The float.</param>
    /// <returns>The nearest float that bfloat16 holds.</returns>
    public static float RoundToSingle(float value) => ToSingle(Round(value));

    /// <summary>Floats (32-bit words) <see cref="PackPairs"/> writes for a K x N matrix: N per pair of rows.</summary>
    /// <param name="rows">K, the matrix's rows (inputs).</param>
    /// <param name="columns">N, its columns (gate rows).</param>
    /// <returns>The packed length.</returns>
    public static int PackedLength(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        return checked((rows + 1) / 2 * columns);
    }

    /// <summary>
    /// Packs a K x N matrix stored transposed in column blocks of <see cref="ModelDescription.ColumnBlock"/> (the
    /// layout of every recurrent weight in <c>Parameters</c>) into bfloat16 pairs: block b keeps its place and width w,
    /// and its 32-bit word (r, n) holds row 2r in its upper half and row 2r + 1 in its lower half (0 past the last
    /// row). A kernel widens the upper half with a mask and the lower with a shift.
    /// </summary>
    /// <param name="blocked">The matrix, K * N floats.</param>
    /// <param name="rows">K.</param>
    /// <param name="columns">N.</param>
    /// <param name="packed">Where to write, <see cref="PackedLength"/>(K, N) words (bit patterns, not float values).</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void PackPairs(ReadOnlySpan<float> blocked, int rows, int columns, Span<float> packed)
    {
        int length = PackedLength(rows, columns);
        if (blocked.Length != checked(rows * columns))
        {
            throw new ArgumentException($"Expected {rows} x {columns} = {rows * columns} floats, got {blocked.Length}.", nameof(blocked));
        }

        if (packed.Length != length)
        {
            throw new ArgumentException($"Expected {length} packed words, got {packed.Length}.", nameof(packed));
        }

        Span<uint> words = MemoryMarshal.Cast<float, uint>(packed);
        int pairs = (rows + 1) / 2;
        for (int start = 0; start < columns; start += ModelDescription.ColumnBlock)
        {
            int width = Math.Min(ModelDescription.ColumnBlock, columns - start);
            ReadOnlySpan<float> block = blocked.Slice(start * rows, width * rows);
            Span<uint> target = words.Slice(start * pairs, width * pairs);
            for (int r = 0; r < pairs; r++)
            {
                for (int n = 0; n < width; n++)
                {
                    uint high = Round(block[(2 * r * width) + n]);
                    uint low = 2 * r + 1 < rows ? Round(block[((2 * r + 1) * width) + n]) : 0u;
                    target[(r * width) + n] = (high << 16) | low;
                }
            }
        }
    }
}
