using System.Collections.Generic;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// The matrix kernels of one model, each written once per distinct shape with every bound a constant.
/// Weights are stored transposed: row k (stride S) holds the k-th input's contribution to N gate pre-activations,
/// so forward (broadcast v[k], FMA a row) and backward (dot with a row; add v[k] times a row) read the same rows.
/// </summary>
internal sealed class KernelEmitter
{

    private readonly SortedSet<string> _requested = new(System.StringComparer.Ordinal);
    private readonly int _recordStride;

    // Accumulators held in registers per pass of a matrix kernel.
    private readonly int _registerBlocks;

    /// <summary>Whether the Affine kernels split short passes into FMA chains (TuningPlan.ChainsAccumulators).</summary>
    private readonly bool _chains;

    /// <param name="recordStride">Floats of one step record: the distance between step t and t + 1 in a trace.</param>
    /// <param name="registerBlocks">Vector accumulators per pass of a matrix kernel.</param>
    public KernelEmitter(int recordStride, int registerBlocks, bool chains = false)
    {
        _chains = chains;
        _recordStride = recordStride;
        _registerBlocks = registerBlocks;
    }
    private readonly List<System.Action<SourceWriter>> _writers = new();

    /// <summary>acc[0..N) += sum over k &lt; K of v[k] * w[k*S + n].</summary>
    public string Gemv(int k, int n, int s) => Request($"Gemv_{k}x{n}s{s}", w => WriteGemv(w, $"Gemv_{k}x{n}s{s}", k, n, s, _registerBlocks));

    /// <summary>
    /// A layer's gate pre-activations for one to four column blocks at once, in registers from start to end:
    /// dst = b1 + W1^T v1, plus b2 + W2^T v2 when <paramref name="k2"/> &gt; 0. <paramref name="widths"/> are the
    /// blocks' column counts (64, or less for the matrix's last block); block j of a matrix starts 64 K floats after
    /// block j - 1, of a bias and of dst 64 floats after.
    /// </summary>
    /// <remarks>
    /// With <paramref name="bf16"/>, both matrices are bfloat16 pairs of rows (GenRnn.BFloat16.PackPairs): block j of
    /// a matrix starts 64 ceil(K/2) words after block j - 1.
    /// </remarks>
    public string Affine(bool bf16, int k1, int k2, params int[] widths)
    {
        string name = $"Affine{(bf16 ? "16" : "")}_{k1}{(k2 > 0 ? $"_{k2}" : "")}x{string.Join("x", widths)}";
        return Request(name, w => AffineKernel.Write(w, name, k1, k2, widths, _registerBlocks, bf16, chains: _chains));
    }

    /// <summary>
    /// dst += W1^T v1 over one to four column blocks, in registers from start to end (the <see cref="Affine"/> kernel
    /// started from dst instead of biases): the recurrent product of a step whose input product is already in dst.
    /// </summary>
    public string AffineAccumulate(int k, params int[] widths)
    {
        string name = $"AffineAcc_{k}x{string.Join("x", widths)}";
        return Request(name, w => AffineKernel.Write(w, name, k, 0, widths, _registerBlocks, bf16: false, accumulate: true));
    }

    /// <summary>acc_g[0..N) += sum over k &lt; K of v_g[k] * w[k*S + n] for g &lt; G streams (v_g = v + g*VS, acc_g = acc + g*AS): each weight load serves every stream.</summary>
    public string GemvGroup(int k, int n, int s, int g, int vs, int accStride) =>
        Request($"Gemv{g}_{k}x{n}s{s}v{vs}a{accStride}", w => WriteGemvGroup(w, $"Gemv{g}_{k}x{n}s{s}v{vs}a{accStride}", k, n, s, g, vs, accStride));

    /// <summary>dst[k] += sum over n &lt; N of w[k*S + n] * d[n], for k &lt; K.</summary>
    public string GemvTransposed(int k, int n, int s) => Request($"GemvT_{k}x{n}s{s}", w => WriteGemvTransposed(w, $"GemvT_{k}x{n}s{s}", k, n, s));

    /// <summary>
    /// dst[k] += sum over all N columns of W[k, n] d[n] for a whole blocked K x N matrix (every block, the partial last
    /// one included): each k's products of all blocks go into the same vector accumulators and are summed across lanes
    /// once, where <see cref="GemvTransposed"/> sums once per block.
    /// </summary>
    public string GemvTransposedAll(int k, int n) => Request($"GemvTAll_{k}x{n}", w => WriteGemvTransposedAll(w, $"GemvTAll_{k}x{n}", k, n));

    /// <summary>g[k*S + n] += v[k] * d[n]: the outer product that accumulates weight gradients.</summary>
    public string Ger(int k, int n, int s) => Request($"Ger_{k}x{n}s{s}", w => WriteGer(w, $"Ger_{k}x{n}s{s}", k, n, s));

    /// <summary>g[k*S + n] += sum over t &lt; steps of x[t*R + k] * d[t*R + n], R the step record's size: a sequence's weight gradient in one pass.</summary>
    public string GerOverTime(int k, int n, int s) => Request($"GerT_{k}x{n}s{s}", w => WriteGerOverTime(w, $"GerT_{k}x{n}s{s}", k, n, s, _recordStride, _registerBlocks));

    /// <summary>dst[n] += sum over t &lt; steps of d[t*R + n]: a sequence's bias gradient.</summary>
    public string SumRows(int n) => Request($"SumRows_{n}", w => WriteSumRows(w, $"SumRows_{n}", n, _recordStride, _registerBlocks));

    /// <summary>dst[n] = a[n] + b[n].</summary>
    public string Add(int n) => Request($"Add_{n}", w => WriteBinary(w, $"Add_{n}", n, "dst[n] = a[n] + b[n]", l => l.Store("dst", "n", $"{l.Load("a", "n")} + {l.Load("b", "n")}")));

    /// <summary>dst[n] = a[n].</summary>
    public string Copy(int n) => Request($"Copy_{n}", w => WriteCopy(w, $"Copy_{n}", n));

    /// <summary>dst[n] += a[n].</summary>
    public string Accumulate(int n) => Request($"Acc_{n}", w => WriteUnary(w, $"Acc_{n}", n));

    public void WriteAll(SourceWriter writer)
    {
        foreach (System.Action<SourceWriter> write in _writers)
        {
            writer.Line();
            write(writer);
        }
    }

    private string Request(string name, System.Action<SourceWriter> write)
    {
        if (_requested.Add(name))
        {
            _writers.Add(write);
        }

        return name;
    }

    private static void WriteGemv(SourceWriter w, string name, int k, int n, int s, int blocks)
    {
        w.Line($"// acc[0..{n}) += sum over k < {k} of v[k] * w[k*{s} + n]");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float w, ref float v, ref float acc)");
        Loops.Elementwise(
            w,
            n,
            lanes => WriteGemvBlock(w, lanes, 1, k, s),
            blocks,
            (lanes, blocks) => WriteGemvBlock(w, lanes, blocks, k, s));
        w.Close();
    }

    private static void WriteGemvBlock(SourceWriter w, Lanes lanes, int blocks, int k, int s)
    {
        if (!lanes.IsVector)
        {
            w.Line($"float a = {Names.Unsafe}.Add(ref acc, n);");
            w.Open($"for (int k = 0; k < {k}; k++)");
            w.Line($"a += {Names.Unsafe}.Add(ref v, k) * {Names.Unsafe}.Add(ref w, k * {s} + n);");
            w.Close();
            w.Line($"{Names.Unsafe}.Add(ref acc, n) = a;");
            return;
        }

        for (int b = 0; b < blocks; b++)
        {
            w.Line($"var a{b} = {lanes.Load("acc", $"n + {b * lanes.Width}")};");
        }

        w.Line($"ref float row = ref {Names.Unsafe}.Add(ref w, n);");
        w.Open($"for (int k = 0; k < {k}; k++)");
        w.Line($"var x = {lanes.Broadcast($"{Names.Unsafe}.Add(ref v, k)")};");
        for (int b = 0; b < blocks; b++)
        {
            w.Line($"a{b} = {lanes.Fma(lanes.Load("row", (b * lanes.Width).ToString()), "x", $"a{b}")};");
        }

        w.Line($"row = ref {Names.Unsafe}.Add(ref row, {s});");
        w.Close();
        for (int b = 0; b < blocks; b++)
        {
            w.Line(lanes.Store("acc", $"n + {b * lanes.Width}", $"a{b}"));
        }
    }

    private static void WriteGemvGroup(SourceWriter w, string name, int k, int n, int s, int g, int vs, int accStride)
    {
        w.Line($"// acc_g[0..{n}) += sum over k < {k} of v_g[k] * w[k*{s} + n], for streams g < {g} (v_g = v + {vs}g, acc_g = acc + {accStride}g)");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float w, ref float v, ref float acc)");
        // Two vectors per stream keep 2G accumulators within the 16 registers of AVX2.
        Loops.Elementwise(w, n, lanes => WriteGemvGroupBlock(w, lanes, 1, k, s, g, vs, accStride), 2, (lanes, blocks) => WriteGemvGroupBlock(w, lanes, blocks, k, s, g, vs, accStride));
        w.Close();
    }

    private static void WriteGemvGroupBlock(SourceWriter w, Lanes lanes, int blocks, int k, int s, int g, int vs, int accStride)
    {
        for (int j = 0; j < g; j++)
        {
            for (int b = 0; b < blocks; b++)
            {
                w.Line($"var a{j}_{b} = {lanes.Load("acc", $"{j * accStride} + n + {b * lanes.Width}")};");
            }
        }

        w.Line($"ref float row = ref {Names.Unsafe}.Add(ref w, n);");
        w.Open($"for (int k = 0; k < {k}; k++)");
        for (int b = 0; b < blocks; b++)
        {
            w.Line($"var w{b} = {lanes.Load("row", (b * lanes.Width).ToString())};");
        }

        for (int j = 0; j < g; j++)
        {
            w.Line($"var x{j} = {lanes.Broadcast($"{Names.Unsafe}.Add(ref v, {j * vs} + k)")};");
            for (int b = 0; b < blocks; b++)
            {
                w.Line($"a{j}_{b} = {lanes.Fma($"w{b}", $"x{j}", $"a{j}_{b}")};");
            }
        }

        w.Line($"row = ref {Names.Unsafe}.Add(ref row, {s});");
        w.Close();
        for (int j = 0; j < g; j++)
        {
            for (int b = 0; b < blocks; b++)
            {
                w.Line(lanes.Store("acc", $"{j * accStride} + n + {b * lanes.Width}", $"a{j}_{b}"));
            }
        }
    }

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
        w.Open($"private static void {name}(ref float w, ref float d, ref float dst)");
        w.Open($"for (int k = 0; k < {k}; k++)");
        w.Line($"ref float row = ref {Names.Unsafe}.Add(ref w, k * {Block});");
        if (tail > 0)
        {
            w.Line($"ref float rowTail = ref {Names.Unsafe}.Add(ref w, {full * Block * k} + k * {tail});");
            w.Line($"ref float dTail = ref {Names.Unsafe}.Add(ref d, {full * Block});");
        }

        bool opened = false;
        foreach (Lanes lanes in w.VectorLanes)
        {
            w.Open($"{(opened ? "else if" : "if")} ({lanes.Available})");
            int vectors = Block / lanes.Width;
            for (int v = 0; v < vectors; v++)
            {
                w.Line($"var a{v} = {lanes.Zero};");
            }

            if (full > 0)
            {
                w.Open($"for (int b = 0; b < {full}; b++)");
                w.Line($"ref float rb = ref {Names.Unsafe}.Add(ref row, b * {Block * k});");
                w.Line($"ref float db = ref {Names.Unsafe}.Add(ref d, b * {Block});");
                for (int v = 0; v < vectors; v++)
                {
                    w.Line($"a{v} = {lanes.Fma(lanes.Load("rb", (v * lanes.Width).ToString()), lanes.Load("db", (v * lanes.Width).ToString()), $"a{v}")};");
                }

                w.Close();
            }

            // The partial block: whole vectors of this width into the same accumulators, then the rest below.
            int n = 0;
            for (; n + lanes.Width <= tail; n += lanes.Width)
            {
                int v = (n / lanes.Width) % vectors;
                w.Line($"a{v} = {lanes.Fma(lanes.Load("rowTail", n.ToString()), lanes.Load("dTail", n.ToString()), $"a{v}")};");
            }

            string total = "a0";
            for (int v = 1; v < vectors; v *= 2)
            {
                // Pairwise: (a0 + a1) + (a2 + a3), ...
                for (int i = 0; i + v < vectors; i += 2 * v)
                {
                    w.Line($"a{i} += a{i + v};");
                }
            }

            w.Line($"float sum = {lanes.Sum(total)};");
            if (lanes.Width == 16 && tail - n >= 8 && System.Array.IndexOf(w.VectorLanes, Lanes.V256) >= 0)
            {
                w.Line($"sum += {Lanes.V256.Sum(Lanes.V256.Load("rowTail", n.ToString()) + " * " + Lanes.V256.Load("dTail", n.ToString()))};");
                n += 8;
            }

            if (n < tail)
            {
                w.Line($"for (int n = {n}; n < {tail}; n++) sum += {Names.Unsafe}.Add(ref rowTail, n) * {Names.Unsafe}.Add(ref dTail, n);");
            }

            w.Line($"{Names.Unsafe}.Add(ref dst, k) += sum;");
            w.Close();
            opened = true;
        }

        if (opened)
        {
            w.Open("else");
        }

        w.Line("float sum = 0f;");
        if (full > 0)
        {
            w.Line($"for (int b = 0; b < {full}; b++) for (int n = 0; n < {Block}; n++) sum += {Names.Unsafe}.Add(ref row, b * {Block * k} + n) * {Names.Unsafe}.Add(ref d, b * {Block} + n);");
        }

        if (tail > 0)
        {
            w.Line($"for (int n = 0; n < {tail}; n++) sum += {Names.Unsafe}.Add(ref rowTail, n) * {Names.Unsafe}.Add(ref dTail, n);");
        }

        w.Line($"{Names.Unsafe}.Add(ref dst, k) += sum;");
        if (opened)
        {
            w.Close();
        }

        w.Close();
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
        w.Open($"for (int k = 0; k < {k}; k++)");
        w.Line($"ref float row = ref {Names.Unsafe}.Add(ref g, k * {s});");
        w.Line($"ref float xk = ref {Names.Unsafe}.Add(ref x, k);");
        Loops.Elementwise(
            w,
            n,
            lanes => WriteTimeBlock(w, lanes, 1, r, "row", "xk"),
            blocks,
            (lanes, blocks) => WriteTimeBlock(w, lanes, blocks, r, "row", "xk"));
        w.Close();
        w.Close();
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

    private static void WriteBinary(SourceWriter w, string name, int n, string comment, System.Func<Lanes, string> statement)
    {
        w.Line($"// {comment}, n < {n}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float a, ref float b, ref float dst)");
        Loops.Elementwise(w, n, lanes => w.Line(statement(lanes)));
        w.Close();
    }

    private static void WriteCopy(SourceWriter w, string name, int n)
    {
        // Vector loads and stores of a known count, inline: cheaper than a memmove call at these sizes.
        w.Line($"// dst[n] = a[n], n < {n}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float a, ref float dst)");
        Loops.Elementwise(w, n, lanes => w.Line(lanes.Store("dst", "n", lanes.Load("a", "n"))));
        w.Close();
    }

    private static void WriteUnary(SourceWriter w, string name, int n)
    {
        w.Line($"// dst[n] += a[n], n < {n}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float a, ref float dst)");
        Loops.Elementwise(w, n, lanes => w.Line(lanes.Store("dst", "n", $"{lanes.Load("dst", "n")} + {lanes.Load("a", "n")}")));
        w.Close();
    }
}
