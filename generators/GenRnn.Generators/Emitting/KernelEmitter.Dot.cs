namespace GenRnn.Generators.Emitting;

// The narrow products (Dense heads with few outputs): vector-lane dot products, partial sums, the AXPY of their gradient.
internal sealed partial class KernelEmitter
{
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
}
