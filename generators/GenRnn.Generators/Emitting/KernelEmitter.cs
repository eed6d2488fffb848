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

    /// <summary>
    /// acc[n] += sum over k &lt; K of v[k] * w[k*N + n] for the few outputs of a narrow head (N below a vector):
    /// independent partial sums instead of one chain of K dependent multiply-adds per output (<see cref="WriteDot"/>).
    /// </summary>
    public string Dot(int k, int n) => Request($"Dot_{k}x{n}", w => WriteDot(w, $"Dot_{k}x{n}", k, n));

    /// <summary>dst[n] += a[n] * s for n &lt; N: a scaled row added in place (a Dense(1) head's dW += dz h and dh += dz W).</summary>
    public string Axpy(int n) => Request($"Axpy_{n}", w => WriteAxpy(w, $"Axpy_{n}", n));

    /// <summary>acc_g[0..N) += sum over k &lt; K of v_g[k] * w[k*S + n] for g &lt; G streams (v_g = v + g*VS, acc_g = acc + g*AS): each weight load serves every stream.</summary>
    public string GemvGroup(int k, int n, int s, int g, int vs, int accStride) =>
        Request($"Gemv{g}_{k}x{n}s{s}v{vs}a{accStride}", w => WriteGemvGroup(w, $"Gemv{g}_{k}x{n}s{s}v{vs}a{accStride}", k, n, s, g, vs, accStride));

    /// <summary>dst[k] += sum over n &lt; N of w[k*S + n] * d[n], for k &lt; K.</summary>
    public string GemvTransposed(int k, int n, int s) => Request($"GemvT_{k}x{n}s{s}", w => WriteGemvTransposed(w, $"GemvT_{k}x{n}s{s}", k, n, s));

    /// <summary>
    /// dst[k] += sum over all N columns of W[k, n] d[n] for a whole blocked K x N matrix (every block, the partial last
    /// one included): each k's products of all blocks go into the same vector accumulators and are summed across lanes
    /// once, where <see cref="GemvTransposed"/> sums once per block. With reverse, the AVX-512 form takes its passes
    /// of 16 rows last to first (every row's sum is the same either way).
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

    // Scalar partial sums per output of a narrow product: enough to hide the FMA latency (4 cycles) behind the others.
    private const int DotChains = 4;

    // Vector accumulators of a one-output dot product: independent FMA chains, summed pairwise at the end.
    private const int DotAccumulators = 4;

    private static void WriteDot(SourceWriter w, string name, int k, int n)
    {
        w.Line($"// acc[n] += sum over k < {k} of v[k] * w[k*{n} + n], n < {n}: {(n == 1 ? "a dot product in vector lanes" : $"{DotChains} partial sums per output")}, not one chain of {k} dependent multiply-adds");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float w, ref float v, ref float acc)");
        bool opened = false;
        if (n == 1)
        {
            // One output: w is a contiguous row, so the product runs in vector lanes like any dot product.
            foreach (Lanes lanes in w.VectorLanes)
            {
                if (k < lanes.Width)
                {
                    continue;
                }

                w.Open($"{(opened ? "else if" : "if")} ({lanes.Available})");
                WriteVectorDot(w, lanes, k);
                w.Close();
                opened = true;
            }
        }

        if (opened)
        {
            w.Open("else");
        }

        WriteScalarDot(w, k, n);
        if (opened)
        {
            w.Close();
        }

        w.Close();
    }

    /// <summary>acc[0] += v . w over k floats: vector accumulators, their pairwise sum, one reduction across lanes, then the tail.</summary>
    private static void WriteVectorDot(SourceWriter w, Lanes lanes, int k)
    {
        int vectors = k / lanes.Width, accumulators = System.Math.Min(vectors, DotAccumulators);
        for (int a = 0; a < accumulators; a++)
        {
            w.Line($"var a{a} = {lanes.Load("w", (a * lanes.Width).ToString())} * {lanes.Load("v", (a * lanes.Width).ToString())};");
        }

        for (int j = accumulators; j < vectors; j++)
        {
            int a = j % accumulators;
            string at = (j * lanes.Width).ToString();
            w.Line($"a{a} = {lanes.Fma(lanes.Load("w", at), lanes.Load("v", at), $"a{a}")};");
        }

        for (int step = 1; step < accumulators; step *= 2)
        {
            for (int a = 0; a + step < accumulators; a += 2 * step)
            {
                w.Line($"a{a} += a{a + step};");
            }
        }

        w.Line($"float sum = {lanes.Sum("a0")};");
        int done = vectors * lanes.Width;
        if (lanes.Width == 16 && k - done >= 8 && System.Array.IndexOf(w.VectorLanes, Lanes.V256) >= 0)
        {
            w.Line($"sum += {Lanes.V256.Sum(Lanes.V256.Load("w", done.ToString()) + " * " + Lanes.V256.Load("v", done.ToString()))};");
            done += 8;
        }

        if (done < k)
        {
            w.Line($"for (int k = {done}; k < {k}; k++) sum += {Names.Unsafe}.Add(ref w, k) * {Names.Unsafe}.Add(ref v, k);");
        }

        w.Line($"{Names.Unsafe}.Add(ref acc, 0) += sum;");
    }

    /// <summary>Each output's products go round-robin into independent partial sums (k into sum k mod chains), added pairwise.</summary>
    private static void WriteScalarDot(SourceWriter w, int k, int n)
    {
        int chains = System.Math.Min(DotChains, k);
        w.Open($"for (int j = 0; j < {n}; j++)");
        for (int c = 0; c < chains; c++)
        {
            w.Line($"float s{c} = 0f;");
        }

        int whole = k / chains * chains;
        w.Open($"for (int k = 0; k < {whole}; k += {chains})");
        for (int c = 0; c < chains; c++)
        {
            w.Line($"s{c} += {Names.Unsafe}.Add(ref v, k + {c}) * {Names.Unsafe}.Add(ref w, (k + {c}) * {n} + j);");
        }

        w.Close();
        for (int r = whole; r < k; r++)
        {
            w.Line($"s{r - whole} += {Names.Unsafe}.Add(ref v, {r}) * {Names.Unsafe}.Add(ref w, {r * n} + j);");
        }

        for (int step = 1; step < chains; step *= 2)
        {
            for (int c = 0; c + step < chains; c += 2 * step)
            {
                w.Line($"s{c} += s{c + step};");
            }
        }

        w.Line($"{Names.Unsafe}.Add(ref acc, j) += s0;");
        w.Close();
    }

    private static void WriteAxpy(SourceWriter w, string name, int n)
    {
        w.Line($"// dst[n] += a[n] * s, n < {n}");
        w.Line(Names.MethodImpl);
        w.Open($"private static void {name}(ref float a, float s, ref float dst)");
        Loops.Elementwise(w, n, lanes => w.Line(lanes.Store("dst", "n", lanes.Fma(lanes.Load("a", "n"), lanes.Broadcast("s"), lanes.Load("dst", "n")))));
        w.Close();
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
