using System.Collections.Generic;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// The matrix kernels of one model, each written once per distinct shape with every bound a constant.
/// Weights are stored transposed: row k (stride S) holds the k-th input's contribution to N gate pre-activations,
/// so forward (broadcast v[k], FMA a row) and backward (dot with a row; add v[k] times a row) read the same rows.
/// </summary>
internal sealed partial class KernelEmitter
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
