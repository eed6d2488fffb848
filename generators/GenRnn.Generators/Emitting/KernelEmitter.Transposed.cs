namespace GenRnn.Generators.Emitting;

// The backward's transposed products (dst[k] += W[k,:] . d): rows in passes that share each d load.
internal sealed partial class KernelEmitter
{
    private static void WriteGemvTransposed(SourceWriter w, string name, int k, int count, int s)
    {
        w.Line($"// dst[k] += sum over n < {count} of w[k*{s} + n] * d[n], for k < {k}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float w, ref float d, ref float dst)");
        w.Open($"for (int k = 0; k < {k}; k++)");
        w.Line($"ref float row = ref {Names.Unsafe}.Add(ref w, k * {s});");
        bool opened = false;
        foreach (Lanes lanes in w.VectorLanes)
        {
            if (count < lanes.Width)
            {
                continue;
            }

            w.Open($"{(opened ? "else if" : "if")} ({lanes.Available})");
            int full = count / lanes.Width * lanes.Width;
            w.Line($"var a = {lanes.Zero};");
            w.Open($"for (int n = 0; n < {full}; n += {lanes.Width})");
            w.Line($"a = {lanes.Fma(lanes.Load("row", "n"), lanes.Load("d", "n"), "a")};");
            w.Close();
            w.Line($"float sum = {lanes.Sum("a")};");
            int n = full;
            if (lanes.Width == 16 && count - n >= 8)
            {
                w.Line($"sum += {Lanes.V256.Sum(Lanes.V256.Load("row", n.ToString()) + " * " + Lanes.V256.Load("d", n.ToString()))};");
                n += 8;
            }

            WriteDotTail(w, n, count);
            w.Close();
            opened = true;
        }

        if (opened)
        {
            w.Open("else");
        }

        w.Line("float sum = 0f;");
        WriteDotTail(w, 0, count);
        if (opened)
        {
            w.Close();
        }

        w.Close();
        w.Close();
    }

    private static void WriteGemvTransposedAll(SourceWriter w, string name, int k, int count)
    {
        const int Block = BlockedMatrix.Width;
        int full = count / Block, tail = count % Block;
        w.Line($"// dst[k] += sum over n < {count} of W[k, n] * d[n], for k < {k}: {full} full block(s) of {Block}{(tail > 0 ? $" and one of {tail}" : "")}, {Block * k} floats apart");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float w, ref float d, ref float dst, bool reverse)");
        bool opened = false;
        foreach (Lanes lanes in w.VectorLanes)
        {
            w.Open($"{(opened ? "else if" : "if")} ({lanes.Available})");
            if (lanes.Width == 16 && SixteenRowReduction.Applies(k, count))
            {
                w.Open($"if ({SixteenRowReduction.Available})");
                SixteenRowReduction.Write(w, k, full, tail);
                WriteTransposedRowPasses(w, lanes, k / SixteenRowReduction.Rows * SixteenRowReduction.Rows, k, k, full, tail);
                w.Close();
                w.Open("else");
                WriteTransposedRowPasses(w, lanes, 0, k, k, full, tail);
                w.Close();
            }
            else
            {
                WriteTransposedRowPasses(w, lanes, 0, k, k, full, tail);
            }

            w.Close();
            opened = true;
        }

        if (opened)
        {
            w.Open("else");
        }

        w.Open($"for (int k = 0; k < {k}; k++)");
        w.Line($"ref float row = ref {Names.Unsafe}.Add(ref w, k * {Block});");
        w.Line("float sum = 0f;");
        if (full > 0)
        {
            w.Line($"for (int b = 0; b < {full}; b++) for (int n = 0; n < {Block}; n++) sum += {Names.Unsafe}.Add(ref row, b * {Block * k} + n) * {Names.Unsafe}.Add(ref d, b * {Block} + n);");
        }

        if (tail > 0)
        {
            w.Line($"ref float rowTail = ref {Names.Unsafe}.Add(ref w, {full * Block * k} + k * {tail});");
            w.Line($"for (int n = 0; n < {tail}; n++) sum += {Names.Unsafe}.Add(ref rowTail, n) * {Names.Unsafe}.Add(ref d, {full * Block} + n);");
        }

        w.Line($"{Names.Unsafe}.Add(ref dst, k) += sum;");
        w.Close();
        if (opened)
        {
            w.Close();
        }

        w.Close();
    }

    /// <summary>Rows [from, to) of <see cref="WriteGemvTransposedAll"/> in the portable form.</summary>
    private static void WriteTransposedRowPasses(SourceWriter w, Lanes lanes, int from, int to, int k, int full, int tail)
    {
        // Several rows per pass share each load of d; each row keeps its own accumulators and order of sums.
        int rows = System.Math.Max(1, System.Math.Min(to - from, lanes.Width == 16 ? 4 : 1)), tiled = from + (to - from) / rows * rows;
        WriteTransposedRows(w, lanes, from, tiled, rows, k, full, tail);
        WriteTransposedRows(w, lanes, tiled, to, 1, k, full, tail);
    }

    /// <summary>
    /// Rows [from, to) of <see cref="WriteGemvTransposedAll"/>, <paramref name="rows"/> per pass: row j's products of
    /// every block go into its own vector accumulators a{j}_{v} (vector v of the block), which are summed pairwise and
    /// across lanes once.
    /// </summary>
    private static void WriteTransposedRows(SourceWriter w, Lanes lanes, int from, int to, int rows, int k, int full, int tail)
    {
        const int Block = BlockedMatrix.Width;
        if (to <= from)
        {
            return;
        }

        w.Open(to - from == rows ? null : $"for (int k = {from}; k < {to}; k += {rows})");
        if (to - from == rows)
        {
            w.Line($"const int k = {from};");
        }

        int vectors = Block / lanes.Width;
        for (int j = 0; j < rows; j++)
        {
            w.Line($"ref float row{j} = ref {Names.Unsafe}.Add(ref w, (k + {j}) * {Block});");
            for (int v = 0; v < vectors; v++)
            {
                w.Line($"var a{j}_{v} = {lanes.Zero};");
            }
        }

        if (full > 0)
        {
            w.Open($"for (int b = 0; b < {full}; b++)");
            w.Line($"ref float db = ref {Names.Unsafe}.Add(ref d, b * {Block});");
            for (int v = 0; v < vectors; v++)
            {
                w.Line($"var d{v} = {lanes.Load("db", (v * lanes.Width).ToString())};");
            }

            for (int j = 0; j < rows; j++)
            {
                w.Line($"ref float rb{j} = ref {Names.Unsafe}.Add(ref row{j}, b * {Block * k});");
                for (int v = 0; v < vectors; v++)
                {
                    w.Line($"a{j}_{v} = {lanes.Fma(lanes.Load($"rb{j}", (v * lanes.Width).ToString()), $"d{v}", $"a{j}_{v}")};");
                }
            }

            w.Close();
        }

        if (tail > 0)
        {
            w.Line($"ref float dTail = ref {Names.Unsafe}.Add(ref d, {full * Block});");
        }

        for (int j = 0; j < rows; j++)
        {
            if (tail > 0)
            {
                w.Line($"ref float rowTail{j} = ref {Names.Unsafe}.Add(ref w, {full * Block * k} + (k + {j}) * {tail});");
            }

            // The partial block: whole vectors of this width into the same accumulators, then the rest below.
            int n = 0;
            for (; n + lanes.Width <= tail; n += lanes.Width)
            {
                int v = (n / lanes.Width) % vectors;
                w.Line($"a{j}_{v} = {lanes.Fma(lanes.Load($"rowTail{j}", n.ToString()), lanes.Load("dTail", n.ToString()), $"a{j}_{v}")};");
            }

            for (int v = 1; v < vectors; v *= 2)
            {
                // Pairwise: (a0 + a1) + (a2 + a3), ...
                for (int i = 0; i + v < vectors; i += 2 * v)
                {
                    w.Line($"a{j}_{i} += a{j}_{i + v};");
                }
            }

            w.Line($"float sum{j} = {lanes.Sum($"a{j}_0")};");
            if (lanes.Width == 16 && tail - n >= 8 && System.Array.IndexOf(w.VectorLanes, Lanes.V256) >= 0)
            {
                w.Line($"sum{j} += {Lanes.V256.Sum(Lanes.V256.Load($"rowTail{j}", n.ToString()) + " * " + Lanes.V256.Load("dTail", n.ToString()))};");
                n += 8;
            }

            if (n < tail)
            {
                w.Line($"for (int n = {n}; n < {tail}; n++) sum{j} += {Names.Unsafe}.Add(ref rowTail{j}, n) * {Names.Unsafe}.Add(ref dTail, n);");
            }

            w.Line($"{Names.Unsafe}.Add(ref dst, k + {j}) += sum{j};");
        }

        w.Close();
    }

    private static void WriteDotTail(SourceWriter w, int start, int count)
    {
        if (start < count)
        {
            w.Line($"for (int n = {start}; n < {count}; n++) sum += {Names.Unsafe}.Add(ref row, n) * {Names.Unsafe}.Add(ref d, n);");
        }

        w.Line($"{Names.Unsafe}.Add(ref dst, k) += sum;");
    }
}
