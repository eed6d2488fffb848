namespace GenRnn.Generators.Emitting;

// The backward's weight gradients (g += v d^T), per step and summed over time in register tiles.
internal sealed partial class KernelEmitter
{
    private static void WriteGer(SourceWriter w, string name, int k, int n, int s)
    {
        w.Line($"// g[k*{s} + n] += v[k] * d[n], for k < {k}, n < {n}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float g, ref float v, ref float d)");
        w.Open($"for (int k = 0; k < {k}; k++)");
        w.Line($"float vk = {Names.Unsafe}.Add(ref v, k);");
        w.Line($"ref float row = ref {Names.Unsafe}.Add(ref g, k * {s});");
        Loops.Elementwise(w, n, lanes =>
            w.Line(lanes.Store("row", "n", lanes.Fma(lanes.Load("d", "n"), lanes.Broadcast("vk"), lanes.Load("row", "n")))));
        w.Close();
        w.Close();
    }

    private static void WriteGerOverTime(SourceWriter w, string name, int k, int n, int s, int r, int blocks)
    {
        w.Line($"// g[k*{s} + n] += sum over t < steps of x[t*{r} + k] * d[t*{r} + n], for k < {k}, n < {n}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float g, ref float x, ref float d, int steps)");
        bool opened = false;
        foreach (Lanes lanes in w.VectorLanes)
        {
            if (n < lanes.Width)
            {
                continue;
            }

            w.Open($"{(opened ? "else if" : "if")} ({lanes.Available})");
            int rows = TimeTileRows(lanes, k);
            int tiled = k / rows * rows;
            WriteGerOverTimeRows(w, lanes, 0, tiled, rows, n, s, r, blocks);
            WriteGerOverTimeRows(w, lanes, tiled, k, 1, n, s, r, blocks);
            w.Close();
            opened = true;
        }

        if (opened)
        {
            w.Open("else");
        }

        WriteGerOverTimeRows(w, Lanes.Scalar, 0, k, 1, n, s, r, blocks);
        if (opened)
        {
            w.Close();
        }

        w.Close();
    }

    /// <summary>
    /// Rows of g a time-summed outer product updates together. Each row's accumulators take their own FMA chain and
    /// every d vector loaded serves all the rows: with one row, a pass of 4 vectors was 4 chains (half the FMA rate,
    /// at the FMA's latency) and one load per FMA. Vector512 has 32 registers: 4 rows x 4 vectors of accumulators, 4 d
    /// vectors and a broadcast; Vector256 (AVX2) has 16: 2 rows.
    /// </summary>
    private static int TimeTileRows(Lanes lanes, int k) => System.Math.Min(k, lanes.Width == 16 ? 4 : 2);

    /// <summary>Rows [from, to) of the time-summed outer product, <paramref name="rows"/> at a time, each row's columns in the order of <see cref="Loops.Elementwise"/>.</summary>
    private static void WriteGerOverTimeRows(SourceWriter w, Lanes lanes, int from, int to, int rows, int n, int s, int r, int blocks)
    {
        if (to <= from)
        {
            return;
        }

        w.Open(to - from == rows ? null : $"for (int k = {from}; k < {to}; k += {rows})");
        if (to - from == rows)
        {
            w.Line($"const int k = {from};");
        }

        for (int j = 0; j < rows; j++)
        {
            w.Line($"ref float row{j} = ref {Names.Unsafe}.Add(ref g, (k + {j}) * {s});");
        }

        w.Line($"ref float xk = ref {Names.Unsafe}.Add(ref x, k);");
        if (!lanes.IsVector)
        {
            w.Open($"for (int n = 0; n < {n}; n++)");
            WriteTimeTile(w, lanes, rows, 1, r);
            w.Close();
            w.Close();
            return;
        }

        // Columns: passes of up to `blocks` vectors, the single vectors left, a Vector256 half, then scalars.
        int per = System.Math.Max(1, System.Math.Min(blocks, n / lanes.Width)), span = per * lanes.Width;
        int col = 0;
        if (n / span > 1)
        {
            w.Open($"for (int n = 0; n < {n / span * span}; n += {span})");
            WriteTimeTile(w, lanes, rows, per, r);
            w.Close();
            col = n / span * span;
        }

        for (; col + span <= n; col += span)
        {
            WriteTimeTileAt(w, lanes, rows, per, r, col);
        }

        for (; col + lanes.Width <= n; col += lanes.Width)
        {
            WriteTimeTileAt(w, lanes, rows, 1, r, col);
        }

        if (lanes.Width == 16 && n - col >= 8 && System.Array.IndexOf(w.VectorLanes, Lanes.V256) >= 0)
        {
            WriteTimeTileAt(w, Lanes.V256, rows, 1, r, col);
            col += 8;
        }

        if (col < n)
        {
            w.Open($"for (int n = {col}; n < {n}; n++)");
            WriteTimeTile(w, Lanes.Scalar, rows, 1, r);
            w.Close();
        }

        w.Close();
    }

    private static void WriteTimeTileAt(SourceWriter w, Lanes lanes, int rows, int vectors, int r, int col)
    {
        w.Open();
        w.Line($"const int n = {col};");
        WriteTimeTile(w, lanes, rows, vectors, r);
        w.Close();
    }

    /// <summary>
    /// g rows row0.. at column n, <paramref name="vectors"/> vectors each, summed over the steps in registers:
    /// a{j}_{b} += x[t*R + k + j] * d[t*R + n + b*width], in the order of t (so the tiling changes no result).
    /// </summary>
    private static void WriteTimeTile(SourceWriter w, Lanes lanes, int rows, int vectors, int r)
    {
        for (int j = 0; j < rows; j++)
        {
            for (int b = 0; b < vectors; b++)
            {
                w.Line($"var a{j}_{b} = {lanes.Load($"row{j}", $"n + {b * lanes.Width}")};");
            }
        }

        w.Line("ref float dt = ref d;");
        w.Line("ref float xt = ref xk;");
        w.Open("for (int t = 0; t < steps; t++)");
        for (int b = 0; b < vectors; b++)
        {
            w.Line($"var d{b} = {lanes.Load("dt", $"n + {b * lanes.Width}")};");
        }

        for (int j = 0; j < rows; j++)
        {
            w.Line($"var x{j} = {lanes.Broadcast($"{Names.Unsafe}.Add(ref xt, {j})")};");
            for (int b = 0; b < vectors; b++)
            {
                w.Line($"a{j}_{b} = {lanes.Fma($"d{b}", $"x{j}", $"a{j}_{b}")};");
            }
        }

        w.Line($"dt = ref {Names.Unsafe}.Add(ref dt, {r});");
        w.Line($"xt = ref {Names.Unsafe}.Add(ref xt, {r});");
        w.Close();
        for (int j = 0; j < rows; j++)
        {
            for (int b = 0; b < vectors; b++)
            {
                w.Line(lanes.Store($"row{j}", $"n + {b * lanes.Width}", $"a{j}_{b}"));
            }
        }
    }

    private static void WriteSumRows(SourceWriter w, string name, int n, int r, int blocks)
    {
        w.Line($"// dst[n] += sum over t < steps of d[t*{r} + n], n < {n}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float d, ref float dst, int steps)");
        Loops.Elementwise(
            w,
            n,
            lanes => WriteTimeBlock(w, lanes, 1, r, "dst", null),
            blocks,
            (lanes, blocks) => WriteTimeBlock(w, lanes, blocks, r, "dst", null));
        w.Close();
    }

    /// <summary>Accumulators for <paramref name="blocks"/> vectors at n, summed over the steps (times x[t*R] when given).</summary>
    private static void WriteTimeBlock(SourceWriter w, Lanes lanes, int blocks, int r, string target, string? x)
    {
        for (int b = 0; b < blocks; b++)
        {
            w.Line($"var a{b} = {lanes.Load(target, $"n + {b * lanes.Width}")};");
        }

        w.Line("ref float dt = ref d;");
        w.Open("for (int t = 0; t < steps; t++)");
        if (x is not null)
        {
            w.Line($"var xt = {lanes.Broadcast($"{Names.Unsafe}.Add(ref {x}, t * {r})")};");
        }

        for (int b = 0; b < blocks; b++)
        {
            string load = lanes.Load("dt", $"n + {b * lanes.Width}");
            w.Line(x is null ? $"a{b} += {load};" : $"a{b} = {lanes.Fma(load, "xt", $"a{b}")};");
        }

        w.Line($"dt = ref {Names.Unsafe}.Add(ref dt, {r});");
        w.Close();
        for (int b = 0; b < blocks; b++)
        {
            w.Line(lanes.Store(target, $"n + {b * lanes.Width}", $"a{b}"));
        }
    }
}
