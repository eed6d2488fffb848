using System;
using System.Linq;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// Writes kernel calls over a weight matrix stored transposed in column blocks (GenRnn.ParameterTensor.BlockWidth):
/// block b holds gate rows [64b, 64b + w) and, for each of the K inputs, their w values contiguously, so every kernel
/// call streams one contiguous stretch of memory. Runs of full blocks become a loop with a constant bound.
/// </summary>
internal static class BlockedMatrix
{
    /// <summary>Gate rows per block; equals GenRnn.ModelDescription.ColumnBlock.</summary>
    public const int Width = 64;

    /// <summary>Writes the calls that cover columns [first, end) of the K x N matrix at <paramref name="offset"/> in <paramref name="buffer"/>.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="buffer">The buffer's ref local ("p" parameters, "g" gradients).</param>
    /// <param name="offset">The matrix's offset in the buffer.</param>
    /// <param name="k">Inputs (rows of the transposed matrix).</param>
    /// <param name="n">Gate rows (columns of the transposed matrix).</param>
    /// <param name="first">First column to cover.</param>
    /// <param name="end">One past the last column to cover.</param>
    /// <param name="kernel">The kernel's name for (columns in the call, stride of the block).</param>
    /// <param name="call">The call statement for (kernel, reference to the block's first element, column offset from <paramref name="first"/>).</param>
    public static void Write(SourceWriter writer, string buffer, Offset offset, int k, int n, int first, int end, Func<int, int, string> kernel, Func<string, string, string, string> call)
    {
        int block = first / Width;
        while (block * Width < end)
        {
            int start = block * Width, width = Math.Min(Width, n - start);
            int lo = Math.Max(first, start), hi = Math.Min(end, start + width);
            int run = 0;
            while (lo == start && (block + run + 1) * Width <= Math.Min(end, n))
            {
                run++; // full blocks entirely inside [first, end)
            }

            if (run > 1)
            {
                writer.Open($"for (int blk = 0; blk < {run}; blk++)");
                writer.Line(call(kernel(Width, Width), $"{Names.Unsafe}.Add(ref {buffer}, {offset + start * k} + blk * {Width * k})", $"{start - first} + blk * {Width}"));
                writer.Close();
                block += run;
                continue;
            }

            writer.Line(call(kernel(hi - lo, width), CellEmitter.At(buffer, offset + start * k + (lo - start)), (lo - first).ToString()));
            block++;
        }
    }

    /// <summary>
    /// Writes the calls that compute gate pre-activations [<paramref name="from"/>, <paramref name="n"/>) of a layer (all
    /// of them by default):
    /// dst = b1 + W1^T v1 (+ b2 + W2^T v2), W1 and W2 blocked K1 x N and K2 x N matrices of the parameters "p".
    /// Full blocks go <paramref name="blocks"/> per call (a loop over groups of them); the full blocks left over go with
    /// the partial last one in one more call.
    /// </summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="kernels">The model's kernels.</param>
    /// <param name="n">Gate rows of the layer (one past the last row to compute).</param>
    /// <param name="first">(W1's offset, its inputs K1, the vector v1, b1's offset).</param>
    /// <param name="second">The same for W2 and b2, or null.</param>
    /// <param name="dst">The reference to write the pre-activations at.</param>
    /// <param name="bf16">Whether the matrices are bfloat16 pairs in the snapshot's buffer "q".</param>
    /// <param name="reverse">A bool expression: when true, the pairs of full blocks go last to first; null for always first to last.</param>
    /// <param name="accumulate">dst += W1^T v1 instead (no biases, no second matrix, float weights).</param>
    /// <param name="blocks">Full blocks per kernel call: 2, or 4 for the layers of LayerTuning.BlocksPerCall.</param>
    /// <param name="from">The first row to compute, at the start of a block (a split step's part: LayerTuning.SplitColumn).</param>
    public static void WriteAffine(SourceWriter writer, KernelEmitter kernels, int n, (Offset W, int K, string V, Offset B) first, (Offset W, int K, string V, Offset B)? second, string dst, bool bf16 = false, string? reverse = null, bool accumulate = false, int blocks = 2, int from = 0)
    {
        int k2 = second?.K ?? 0;
        string Args(int column, string loop)
        {
            // Block-group loop: each iteration moves that many blocks on (64 columns each, 64 K floats of each matrix
            // per column, or 64 ceil(K/2) words of bfloat16 pairs in the snapshot's buffer "q").
            string At(string buffer, Offset offset, int perColumn) => loop.Length == 0
                ? CellEmitter.At(buffer, offset + (column * perColumn))
                : $"{Names.Unsafe}.Add(ref {buffer}, {offset + (column * perColumn)} + {loop} * {blocks * Width * perColumn})";
            string Matrix((Offset W, int K, string V, Offset B) m) => bf16 ? At("q", m.W, (m.K + 1) / 2) : At("p", m.W, m.K);
            string dstAt = loop.Length == 0 ? Ref(dst, column.ToString()) : Ref(dst, Plus(column, $"{loop} * {blocks * Width}"));
            string matrices = $"ref {Matrix(first)}, ref {first.V}";
            if (accumulate)
            {
                return $"({matrices}, ref {dstAt});";
            }

            string biases = $"ref {At("p", first.B, 1)}";
            if (second is { } b)
            {
                matrices += $", ref {Matrix(b)}, ref {b.V}";
                biases += $", ref {At("p", b.B, 1)}";
            }

            return $"({matrices}, {biases}, ref {dstAt});";
        }

        string Kernel(params int[] widths) => accumulate ? kernels.AffineAccumulate(first.K, widths) : kernels.Affine(bf16, first.K, k2, widths);
        int full = (n - from) / Width, tail = (n - from) % Width;
        int groups = full / blocks;
        int[] group = Enumerable.Repeat(Width, blocks).ToArray();
        if (groups > 1)
        {
            // Every group of blocks is computed alone, so the order (reversed on alternate steps) changes no result.
            writer.Open($"for (int i = 0; i < {groups}; i++)");
            writer.Line(reverse is null ? "int blk = i;" : $"int blk = {reverse} ? {groups - 1} - i : i;");
            writer.Line(Kernel(group) + Args(from, "blk"));
            writer.Close();
        }
        else if (groups == 1)
        {
            writer.Line(Kernel(group) + Args(from, ""));
        }

        int column = from + (groups * blocks * Width);
        int[] rest = Enumerable.Repeat(Width, full - (blocks * groups)).Concat(tail > 0 ? new[] { tail } : new int[0]).ToArray();
        if (rest.Length > 0)
        {
            writer.Line(Kernel(rest) + Args(column, ""));
        }
    }

    /// <summary>A reference expression to <paramref name="reference"/> plus an offset expression.</summary>
    public static string Ref(string reference, string offset) => offset == "0" ? reference : $"{Names.Unsafe}.Add(ref {reference}, {offset})";

    /// <summary>The sum of a constant and an offset expression.</summary>
    public static string Plus(int constant, string offset) => constant == 0 ? offset : offset == "0" ? constant.ToString() : $"{constant} + {offset}";
}
