namespace GenRnn.Generators.Emitting;

/// <summary>
/// The AVX-512 form of a whole transposed product dst[k] += sum over n of W[k, n] d[n] (KernelEmitter's
/// GemvTransposedAll): sixteen rows per pass, one Vector512 accumulator each, every d vector loaded once for all
/// sixteen; then the sixteen accumulators are reduced across lanes together by a transpose-and-add tree
/// (30 shuffles and 15 adds) into one vector of the sixteen sums, added to dst[k..k+16) with one vector add.
/// </summary>
/// <remarks>
/// Why: summing each row's accumulator across its 16 lanes alone (Vector512.Sum, about 8 dependent instructions,
/// then a scalar add and store) cost more than the row's own multiply-adds at small sizes (a 32 x 128 product is 8
/// FMAs a row), and backward runs one such product per step. The tree's instructions are x86 ones (vunpcklps,
/// vshufps, vshuff32x4), so the pass runs under Avx512F.IsSupported; elsewhere the portable form runs.
/// </remarks>
internal static class SixteenRowReduction
{
    public const int Rows = 16;

    private const string Avx512F = "global::System.Runtime.Intrinsics.X86.Avx512F";

    /// <summary>The condition under which <see cref="Write"/>'s code runs (a JIT-time constant).</summary>
    public const string Available = Avx512F + ".IsSupported";

    /// <summary>Whether a K x N product takes this form: at least one pass of rows, and whole Vector512s in the partial block.</summary>
    public static bool Applies(int k, int count) => k >= Rows && count % BlockedMatrix.Width % 16 == 0;

    /// <summary>Rows [0, k / 16 * 16) of the product, in passes of 16 (the rest is left to the caller).</summary>
    public static void Write(SourceWriter w, int k, int full, int tail)
    {
        const int Block = BlockedMatrix.Width;
        Lanes lanes = Lanes.V512;
        int passes = k / Rows;
        w.Open(passes == 1 ? null : $"for (int i = 0; i < {passes}; i++)");
        w.Line(passes == 1 ? "const int k = 0;" : $"int k = (reverse ? {passes - 1} - i : i) * {Rows};");

        w.Line($"ref float row = ref {Names.Unsafe}.Add(ref w, k * {Block});");
        for (int j = 0; j < Rows; j++)
        {
            w.Line($"var a{j} = {lanes.Zero};");
        }

        // Row j of block b starts at b * 64 K + (k + j) * 64; its vector v multiplies d's vector v of the block.
        WriteBlockProducts(w, lanes, full, Block, Block * k, Block / lanes.Width, "row", "d");
        if (tail > 0)
        {
            // The partial block's rows are tail floats apart.
            w.Line($"ref float rowTail = ref {Names.Unsafe}.Add(ref w, {full * Block * k} + k * {tail});");
            w.Line($"ref float dTail = ref {Names.Unsafe}.Add(ref d, {full * Block});");
            WriteBlockProducts(w, lanes, 1, tail, 0, tail / lanes.Width, "rowTail", "dTail");
        }

        WriteTree(w);
        w.Line($"{lanes.Store("dst", "k", $"{lanes.Load("dst", "k")} + s")}");
        w.Close();
    }

    /// <summary>a{j} += W row j's vectors times d's over <paramref name="blocks"/> blocks (a loop over b when more than one).</summary>
    private static void WriteBlockProducts(SourceWriter w, Lanes lanes, int blocks, int rowStride, int blockStride, int vectors, string rows, string d)
    {
        if (blocks == 0)
        {
            return;
        }

        if (blocks > 1)
        {
            w.Open($"for (int b = 0; b < {blocks}; b++)");
            w.Line($"ref float rb = ref {Names.Unsafe}.Add(ref {rows}, b * {blockStride});");
            w.Line($"ref float db = ref {Names.Unsafe}.Add(ref {d}, b * {BlockedMatrix.Width});");
            rows = "rb";
            d = "db";
        }
        else
        {
            w.Open();
        }

        for (int v = 0; v < vectors; v++)
        {
            w.Line($"var d{v} = {lanes.Load(d, (v * lanes.Width).ToString())};");
        }

        for (int j = 0; j < Rows; j++)
        {
            for (int v = 0; v < vectors; v++)
            {
                w.Line($"a{j} = {lanes.Fma(lanes.Load(rows, (j * rowStride + v * lanes.Width).ToString()), $"d{v}", $"a{j}")};");
            }
        }

        w.Close();
    }

    /// <summary>
    /// s[j] = the sum of a{j}'s 16 lanes, for j &lt; 16. Lane i of a 128-bit quarter q is written (q, i).
    /// 1. Pairs of rows: unpacklo + unpackhi of (a, b) = per quarter [a0+a2, b0+b2, a1+a3, b1+b3].
    /// 2. Pairs of those: shufps 0x44 + 0xEE = per quarter the partial sums of four rows, in order.
    /// 3. and 4. Quarters: shuff32x4 0x88 (quarters 0, 2 of each) + 0xDD (quarters 1, 3), twice: the four quarters of
    /// each group of four rows summed, the groups in order.
    /// </summary>
    private static void WriteTree(SourceWriter w)
    {
        for (int p = 0; p < 8; p++)
        {
            w.Line($"var p{p} = {Avx512F}.UnpackLow(a{2 * p}, a{2 * p + 1}) + {Avx512F}.UnpackHigh(a{2 * p}, a{2 * p + 1});");
        }

        for (int q = 0; q < 4; q++)
        {
            w.Line($"var q{q} = {Avx512F}.Shuffle(p{2 * q}, p{2 * q + 1}, 0x44) + {Avx512F}.Shuffle(p{2 * q}, p{2 * q + 1}, 0xEE);");
        }

        for (int h = 0; h < 2; h++)
        {
            w.Line($"var h{h} = {Avx512F}.Shuffle4x128(q{2 * h}, q{2 * h + 1}, 0x88) + {Avx512F}.Shuffle4x128(q{2 * h}, q{2 * h + 1}, 0xDD);");
        }

        w.Line($"var s = {Avx512F}.Shuffle4x128(h0, h1, 0x88) + {Avx512F}.Shuffle4x128(h0, h1, 0xDD);");
    }
}
