using System.Collections.Generic;
using System.Linq;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// The forward kernel of a layer's gates: dst = b1 + W1^T v1 (+ b2 + W2^T v2) over one to four column blocks of the
/// blocked weight layout (GenRnn.ParameterTensor.BlockWidth), the last of which may be partial.
/// </summary>
/// <remarks>
/// Why one kernel for everything: the step of a small model is a chain of dependent FMAs per accumulator, so the
/// number of independent accumulators decides its speed. Every vector of the call's columns (a "slot": Vector512,
/// then Vector256 for an 8-float rest, then scalars) gets its own accumulator, loaded with the biases, carried
/// through both products and stored once; slots beyond twice the register blocks go in further passes. Each sum is
/// taken in the same order as the batched-streams kernel's (biases, then k ascending), so Step and StepStreams agree
/// bit for bit.
/// </remarks>
internal static class AffineKernel
{
    /// <summary>Gate rows per block; equals BlockedMatrix.Width.</summary>
    private const int Block = BlockedMatrix.Width;

    /// <summary>
    /// Writes the kernel; with <paramref name="accumulate"/> (one float matrix only), dst += W1^T v1 instead. With
    /// <paramref name="chains"/>, a pass of fewer than 8 accumulators splits each into 2 or 4 chains (see Chains).
    /// </summary>
    public static void Write(SourceWriter w, string name, int k1, int k2, int[] widths, int registerBlocks, bool bf16, bool accumulate = false, bool chains = false)
    {
        string second = k2 > 0 ? $" + b2 + W2^T v2 (W2 {k2} rows)" : "";
        string columns = $"over blocks of {string.Join(" and ", widths)} columns{(bf16 ? "; matrices in bfloat16 pairs of rows" : "")}";
        w.Line(accumulate ? $"// dst += W1^T v1 (W1 {k1} rows), {columns}" : $"// dst = b1 + W1^T v1 (W1 {k1} rows){second}, {columns}");
        w.Line(Names.MethodImpl);
        string m = bf16 ? "uint" : "float";
        w.Open(accumulate
            ? $"private static void {name}(ref {m} w1, ref float v1, ref float dst)"
            : $"private static void {name}(ref {m} w1, ref float v1, {(k2 > 0 ? $"ref {m} w2, ref float v2, " : "")}ref float b1, {(k2 > 0 ? "ref float b2, " : "")}ref float dst)");
        int pass = 2 * registerBlocks;
        bool opened = false;
        foreach (Lanes lanes in w.VectorLanes)
        {
            if (widths.Max() < lanes.Width)
            {
                continue;
            }

            w.Open($"{(opened ? "else if" : "if")} ({lanes.Available})");
            // Vector512 over more than two blocks (the layers of LayerTuning.BlocksPerCall): one pass over all four
            // blocks' rows, 16 of the 32 registers, so that four weight streams are read at once.
            int slots = lanes == Lanes.V512 && widths.Length > 2 ? System.Math.Min(24, registerBlocks * widths.Length) : pass;
            WritePasses(w, Slots(widths, lanes, w.VectorLanes), slots, k1, k2, widths, bf16, accumulate, chains);
            w.Close();
            opened = true;
        }

        if (opened)
        {
            w.Open("else");
        }

        WritePasses(w, Slots(widths, Lanes.Scalar, w.VectorLanes), pass, k1, k2, widths, bf16, accumulate, chains);
        if (opened)
        {
            w.Close();
        }

        w.Close();
    }

    /// <summary>One accumulator: <paramref name="Lanes"/> columns from <paramref name="Column"/> of block <paramref name="Block"/>.</summary>
    private sealed record Slot(int Block, int Column, Lanes Lanes);

    /// <summary>The widest vectors first, an 8-float rest as Vector256 when the hardware has it, then scalars.</summary>
    private static List<Slot> Slots(int[] widths, Lanes widest, Lanes[] available)
    {
        var slots = new List<Slot>();
        for (int j = 0; j < widths.Length; j++)
        {
            int c = 0;
            for (; c + widest.Width <= widths[j]; c += widest.Width)
            {
                slots.Add(new Slot(j, c, widest));
            }

            if (widest.Width == 16 && widths[j] - c >= 8 && System.Array.IndexOf(available, Lanes.V256) >= 0)
            {
                slots.Add(new Slot(j, c, Lanes.V256));
                c += 8;
            }

            for (; c < widths[j]; c++)
            {
                slots.Add(new Slot(j, c, Lanes.Scalar));
            }
        }

        return slots;
    }

    /// <summary>
    /// Independent FMA chains per accumulator in a pass of <paramref name="slots"/> accumulators: a chain waits four
    /// cycles per FMA and the core issues two a cycle, so 8 chains keep it busy. A small layer (an RNN (8, 32) has two
    /// Vector512 accumulators over 40 rows) is otherwise one long dependency chain: rows k = c (mod chains) go to chain c,
    /// summed at the end as (c0 + c1) + (c2 + c3). That changes the order of the sums, so models whose kernels chain
    /// run StepStreams one stream at a time and Forward one step at a time (TuningPlan.ChainsAccumulators).
    /// </summary>
    public static int Chains(int slots) => slots >= 8 ? 1 : slots >= 4 ? 2 : 4;

    private static string Acc(int slot, int chain) => chain == 0 ? $"a{slot}" : $"a{slot}_{chain}";

    private static void WritePasses(SourceWriter w, List<Slot> slots, int pass, int k1, int k2, int[] widths, bool bf16, bool accumulate, bool chains)
    {
        for (int first = 0; first < slots.Count; first += pass)
        {
            List<Slot> group = slots.Skip(first).Take(pass).ToList();
            int c = chains && !accumulate ? Chains(group.Count) : 1;
            w.Open();
            for (int i = 0; i < group.Count; i++)
            {
                Slot slot = group[i];
                string at = Offset(slot.Block * Block + slot.Column);
                string bias = accumulate ? slot.Lanes.Load("dst", at) : k2 > 0 ? $"{slot.Lanes.Load("b1", at)} + {slot.Lanes.Load("b2", at)}" : slot.Lanes.Load("b1", at);
                w.Line($"var a{i} = {bias};");
                for (int chain = 1; chain < c; chain++)
                {
                    w.Line($"var {Acc(i, chain)} = {slot.Lanes.Zero};");
                }
            }

            if (bf16)
            {
                WritePairProduct(w, group, k1, widths, "w1", "v1", c);
                if (k2 > 0)
                {
                    WritePairProduct(w, group, k2, widths, "w2", "v2", c);
                }
            }
            else
            {
                WriteProduct(w, group, k1, widths, "w1", "v1", c);
                if (k2 > 0)
                {
                    WriteProduct(w, group, k2, widths, "w2", "v2", c);
                }
            }

            for (int i = 0; i < group.Count; i++)
            {
                Slot slot = group[i];
                string sum = c == 1 ? $"a{i}" : c == 2 ? $"a{i} + {Acc(i, 1)}" : $"(a{i} + {Acc(i, 1)}) + ({Acc(i, 2)} + {Acc(i, 3)})";
                w.Line(slot.Lanes.Store("dst", Offset(slot.Block * Block + slot.Column), sum));
            }

            w.Close();
        }
    }

    /// <summary>
    /// The k loop of one product: each block's row advances by the block's width (its stride). With chains, the loop
    /// takes that many rows per iteration, row k + c into chain c, and the last K mod chains rows follow it.
    /// </summary>
    private static void WriteProduct(SourceWriter w, List<Slot> group, int k, int[] widths, string matrix, string v, int chains)
    {
        w.Open();
        int[] blocks = group.Select(s => s.Block).Distinct().ToArray();
        foreach (int j in blocks)
        {
            w.Line($"ref float row{j} = ref {CellEmitter.At(matrix, j * Block * k)};");
        }

        int whole = k / chains * chains;
        if (whole > 0)
        {
            w.Open(chains == 1 ? $"for (int k = 0; k < {k}; k++)" : $"for (int k = 0; k < {whole}; k += {chains})");
            for (int c = 0; c < chains; c++)
            {
                WriteRow(w, group, widths, v, chains == 1 ? "k" : $"k + {c}", c, c);
            }

            foreach (int j in blocks)
            {
                w.Line($"row{j} = ref {Names.Unsafe}.Add(ref row{j}, {chains * widths[j]});");
            }

            w.Close();
        }

        for (int c = 0; c < k - whole; c++)
        {
            w.Open();
            WriteRow(w, group, widths, v, Offset(whole + c), c, c);
            w.Close();
        }

        w.Close();
    }

    /// <summary>The FMAs of one row: element <paramref name="index"/> of v times the row <paramref name="row"/> rows on, into chain <paramref name="chain"/>.</summary>
    private static void WriteRow(SourceWriter w, List<Slot> group, int[] widths, string v, string index, int row, int chain)
    {
        string e = chain == 0 && row == 0 ? "e" : $"e{row}";
        w.Line($"float {e} = {Names.Unsafe}.Add(ref {v}, {index});");
        foreach (Lanes lanes in group.Select(s => s.Lanes).Distinct().Where(l => l.IsVector))
        {
            w.Line($"var x{lanes.Width}{(e == "e" ? "" : $"_{row}")} = {lanes.Broadcast(e)};");
        }

        for (int i = 0; i < group.Count; i++)
        {
            Slot slot = group[i];
            string x = slot.Lanes.IsVector ? $"x{slot.Lanes.Width}{(e == "e" ? "" : $"_{row}")}" : e;
            w.Line($"{Acc(i, chain)} = {slot.Lanes.Fma(slot.Lanes.Load($"row{slot.Block}", Offset((row * widths[slot.Block]) + slot.Column)), x, Acc(i, chain))};");
        }
    }

    /// <summary>
    /// The k loop over bfloat16 pairs: each word holds rows k (upper half) and k + 1 (lower half), widened with a mask
    /// and a shift; the FMAs run in the same order as the float kernel's, so the result equals the float kernel's on
    /// the rounded weights bit for bit. An odd K ends with an upper half alone. With chains, row k goes to chain k mod
    /// chains as in the float kernel: a word's halves to chains c and c + 1, chains / 2 words per iteration.
    /// </summary>
    private static void WritePairProduct(SourceWriter w, List<Slot> group, int k, int[] widths, string matrix, string v, int chains)
    {
        w.Open();
        int pairs = (k + 1) / 2;
        int[] blocks = group.Select(s => s.Block).Distinct().ToArray();
        foreach (int j in blocks)
        {
            w.Line($"ref uint row{j} = ref {CellEmitter.At(matrix, j * Block * pairs)};");
        }

        int words = System.Math.Max(1, chains / 2), full = k / 2, whole = full / words * words;
        if (whole > 0)
        {
            w.Open($"for (int k = 0; k < {whole * 2}; k += {words * 2})");
            for (int u = 0; u < words; u++)
            {
                WritePairStep(w, group, widths, v, u == 0 ? "k" : $"k + {2 * u}", u, both: true, chains == 1 ? 0 : 2 * u, chains == 1 ? 0 : (2 * u) + 1);
            }

            foreach (int j in blocks)
            {
                w.Line($"row{j} = ref {Names.Unsafe}.Add(ref row{j}, {words * widths[j]});");
            }

            w.Close();
        }

        for (int u = 0; u < full - whole; u++)
        {
            WritePairStep(w, group, widths, v, Offset(2 * (whole + u)), u, both: true, chains == 1 ? 0 : 2 * u, chains == 1 ? 0 : (2 * u) + 1);
        }

        if (k % 2 == 1)
        {
            WritePairStep(w, group, widths, v, Offset(k - 1), full - whole, both: false, (k - 1) % chains, 0);
        }

        w.Close();
    }

    /// <summary>
    /// One bfloat16 word per slot, <paramref name="word"/> words on from the row pointer: its upper half times v[k]
    /// into chain <paramref name="high"/>, and with <paramref name="both"/> its lower half times v[k + 1] into chain
    /// <paramref name="low"/>.
    /// </summary>
    private static void WritePairStep(SourceWriter w, List<Slot> group, int[] widths, string v, string k, int word, bool both, int high, int low)
    {
        w.Open();
        w.Line($"float e0 = {Names.Unsafe}.Add(ref {v}, {k});");
        if (both)
        {
            w.Line($"float e1 = {Names.Unsafe}.Add(ref {v}, {k} + 1);");
        }

        foreach (Lanes lanes in group.Select(s => s.Lanes).Distinct().Where(l => l.IsVector))
        {
            w.Line($"var x{lanes.Width}_0 = {lanes.Broadcast("e0")};");
            if (both)
            {
                w.Line($"var x{lanes.Width}_1 = {lanes.Broadcast("e1")};");
            }
        }

        for (int i = 0; i < group.Count; i++)
        {
            Slot slot = group[i];
            string x0 = slot.Lanes.IsVector ? $"x{slot.Lanes.Width}_0" : "e0", x1 = slot.Lanes.IsVector ? $"x{slot.Lanes.Width}_1" : "e1";
            w.Line($"var u{i} = {slot.Lanes.Load($"row{slot.Block}", Offset((word * widths[slot.Block]) + slot.Column))};");
            w.Line($"{Acc(i, high)} = {slot.Lanes.Fma(slot.Lanes.HighHalves($"u{i}"), x0, Acc(i, high))};");
            if (both)
            {
                w.Line($"{Acc(i, low)} = {slot.Lanes.Fma(slot.Lanes.LowHalves($"u{i}"), x1, Acc(i, low))};");
            }
        }

        w.Close();
    }

    private static string Offset(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
