using GenRnn.Cells;

namespace GenRnn.Reference;

// ReferenceModel's building blocks, apart from the sequence loops (ReferenceModel.cs) and the cells (Cells/) so that
// each reads on its own: the pre-activations every cell shares, the dense head, the affine map and its backward,
// argument checks, and where each tensor lives in the flat buffers.
public sealed partial class ReferenceModel
{
    // =============================================================================================================
    // Shared by the cells: a[G*H] = (W_ih x + b_ih) + (W_hh h + b_hh), and its backward.
    // =============================================================================================================

    /// <summary>Writes ax = W_ih x + b_ih and ah = W_hh h + b_hh (all G*H rows) and returns their sum in ax.</summary>
    private Span<double> Preactivations(LayerParameters p, LayerRecord r)
    {
        int gh = p.Gates * p.Hidden;
        Span<double> ax = _ax.AsSpan(0, gh), ah = _ah.AsSpan(0, gh);
        // ax[G*H] = W_ih[G*H, I] · x[I] + b_ih[G*H]
        Affine(p.WeightIh, p.BiasIh, 0, r.X, ax);
        // ah[G*H] = W_hh[G*H, H] · h[H] + b_hh[G*H]
        Affine(p.WeightHh, p.BiasHh, 0, r.HPrev, ah);
        // a[G*H] = ax + ah
        for (int k = 0; k < gh; k++)
        {
            ax[k] += ah[k];
        }

        return ax;
    }

    /// <summary>The backward of <see cref="Preactivations"/> for da = dL/da (the same for both products).</summary>
    private void PreactivationsBackward(LayerParameters p, LayerRecord r, ReadOnlySpan<double> da, Span<double> dx, Span<double> dhPrev, Span<double> gradients)
    {
        // dW_ih[G*H, I] += da ⊗ x;  db_ih[G*H] += da;  dx[I] += W_ihᵀ · da
        AffineBackward(p.WeightIh, p.BiasIh, 0, r.X, da, dx, gradients);
        // dW_hh[G*H, H] += da ⊗ h;  db_hh[G*H] += da;  dh[H] += W_hhᵀ · da
        AffineBackward(p.WeightHh, p.BiasHh, 0, r.HPrev, da, dhPrev, gradients);
    }

    // =============================================================================================================
    // Dense head: z = W h + b, y = F(z) with F one of Identity, Tanh, Sigmoid, Softmax (over the step's outputs).
    // =============================================================================================================

    private void HeadForward(ReadOnlySpan<double> h, Span<double> z, Span<double> y)
    {
        // z[C] = W[C, H] · h[H] + b[C]
        Affine(_headWeight!, _headBias, 0, h, z);
        switch (Description.HeadActivation)
        {
            case Activation.Identity:
                // y[C] = z
                z.CopyTo(y);
                break;
            case Activation.Tanh:
                // y[C] = tanh(z)
                for (int k = 0; k < z.Length; k++)
                {
                    y[k] = Math.Tanh(z[k]);
                }

                break;
            case Activation.Sigmoid:
                // y[C] = σ(z)
                for (int k = 0; k < z.Length; k++)
                {
                    y[k] = Sigmoid(z[k]);
                }

                break;
            case Activation.Softmax:
                // y[C] = exp(z - max z) / Σ exp(z - max z)
                double max = double.NegativeInfinity, sum = 0;
                for (int k = 0; k < z.Length; k++)
                {
                    max = Math.Max(max, z[k]);
                }

                for (int k = 0; k < z.Length; k++)
                {
                    y[k] = Math.Exp(z[k] - max);
                    sum += y[k];
                }

                for (int k = 0; k < z.Length; k++)
                {
                    y[k] /= sum;
                }

                break;
            default:
                throw new NotSupportedException($"Head activation {Description.HeadActivation} is not supported.");
        }
    }

    /// <summary>From dy (or dz when <paramref name="fromLogits"/>): adds the head's gradients and dL/dh into dh.</summary>
    private void HeadBackward(StepRecord record, ReadOnlySpan<double> dy, bool fromLogits, Span<double> dh, Span<double> gradients)
    {
        double[] y = record.Outputs;
        var dz = new double[y.Length];
        switch (fromLogits ? Activation.Identity : Description.HeadActivation)
        {
            case Activation.Identity:
                // dz[C] = dy
                dy.CopyTo(dz);
                break;
            case Activation.Tanh:
                // dz[C] = dy * (1 - y^2)
                for (int k = 0; k < dz.Length; k++)
                {
                    dz[k] = dy[k] * (1 - y[k] * y[k]);
                }

                break;
            case Activation.Sigmoid:
                // dz[C] = dy * y(1 - y)
                for (int k = 0; k < dz.Length; k++)
                {
                    dz[k] = dy[k] * y[k] * (1 - y[k]);
                }

                break;
            case Activation.Softmax:
                // dz[C] = y * (dy - Σ_j y_j dy_j)
                double dot = 0;
                for (int k = 0; k < dz.Length; k++)
                {
                    dot += y[k] * dy[k];
                }

                for (int k = 0; k < dz.Length; k++)
                {
                    dz[k] = y[k] * (dy[k] - dot);
                }

                break;
            default:
                throw new NotSupportedException($"Head activation {Description.HeadActivation} is not supported.");
        }

        // dW[C, H] += dz ⊗ h;  db[C] += dz;  dh[H] += Wᵀ · dz
        AffineBackward(_headWeight!, _headBias, 0, record.Layers[^1].H, dz, dh, gradients);
    }

    // =============================================================================================================
    // Building blocks: y = W[rows] x + b[rows] and its backward, on the flat parameter and gradient buffers.
    // =============================================================================================================

    /// <summary>y[n] = W[row0 + n, :] · x + b[row0 + n] for n &lt; y.Length.</summary>
    private void Affine(Matrix w, int bias, int row0, ReadOnlySpan<double> x, Span<double> y)
    {
        double[] p = Parameters;
        for (int n = 0; n < y.Length; n++)
        {
            y[n] = p[bias + row0 + n];
        }

        // Column by column: contiguous in the transposed layout generated code uses.
        for (int c = 0; c < x.Length; c++)
        {
            for (int n = 0; n < y.Length; n++)
            {
                y[n] += p[w.At(row0 + n, c)] * x[c];
            }
        }
    }

    /// <summary>dW[row0 + n, c] += dy[n] x[c];  db[row0 + n] += dy[n];  dx[c] += Σ_n W[row0 + n, c] dy[n].</summary>
    private void AffineBackward(Matrix w, int bias, int row0, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> gradients)
    {
        double[] p = Parameters;
        for (int n = 0; n < dy.Length; n++)
        {
            gradients[bias + row0 + n] += dy[n];
        }

        for (int c = 0; c < x.Length; c++)
        {
            for (int n = 0; n < dy.Length; n++)
            {
                int at = w.At(row0 + n, c);
                gradients[at] += dy[n] * x[c];
                dx[c] += p[at] * dy[n];
            }
        }
    }

    /// <summary>y[n] += W[row0 + n, :] · x for n &lt; y.Length: a product without a bias (MUT's rows of one tensor).</summary>
    private void Product(Matrix w, int row0, ReadOnlySpan<double> x, Span<double> y)
    {
        double[] p = Parameters;
        for (int c = 0; c < x.Length; c++)
        {
            for (int n = 0; n < y.Length; n++)
            {
                y[n] += p[w.At(row0 + n, c)] * x[c];
            }
        }
    }

    /// <summary>dW[row0 + n, c] += dy[n] x[c];  dx[c] += Σ_n W[row0 + n, c] dy[n]: the backward of <see cref="Product"/>.</summary>
    private void ProductBackward(Matrix w, int row0, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> gradients)
    {
        double[] p = Parameters;
        for (int c = 0; c < x.Length; c++)
        {
            for (int n = 0; n < dy.Length; n++)
            {
                int at = w.At(row0 + n, c);
                gradients[at] += dy[n] * x[c];
                dx[c] += p[at] * dy[n];
            }
        }
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static ParameterTensor Require(ModelDescription description, string name, params int[] shape)
    {
        ParameterTensor t = description.Find(name)
            ?? throw new ArgumentException($"{description.Name} has no tensor '{name}'.", nameof(description));
        if (!t.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException($"Tensor '{name}' of {description.Name} has shape {t.ShapeText}, expected [{string.Join(", ", shape)}].", nameof(description));
        }

        return t;
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {actual}.", name);
        }
    }

    private void CheckTrace(ReferenceTrace trace, string name, bool recorded)
    {
        if (trace.Model != this)
        {
            throw new ArgumentException("This trace belongs to another ReferenceModel.", name);
        }

        if (recorded && trace.Steps == 0)
        {
            throw new ArgumentException("The trace holds no forward pass: call Forward with it first.", name);
        }
    }

    /// <summary>Where a matrix tensor's element [r, c] (PyTorch indices) lives in the flat buffer.</summary>
    private sealed class Matrix
    {
        private readonly int[] _index;
        private readonly int _columns;

        private Matrix(int[] index, int columns)
        {
            _index = index;
            _columns = columns;
        }

        public static Matrix Of(ParameterTensor t)
        {
            // Every element's place read off FlatIndex once, so any layout the description chooses is followed.
            var index = new int[t.Length];
            for (int i = 0; i < index.Length; i++)
            {
                index[i] = t.FlatIndex(i);
            }

            return new Matrix(index, t.Shape[1]);
        }

        public int At(int r, int c) => _index[r * _columns + c];
    }

    /// <summary>Where one layer's tensors live.</summary>
    private sealed class LayerParameters
    {
        public LayerParameters(ModelDescription description, int l)
        {
            LayerDescription layer = description.Layers[l];
            Cell = layer.Cell;
            Input = layer.InputSize;
            Hidden = layer.HiddenSize;
            Gates = layer.GateCount;
            HasCellState = layer.HasCellState;
            StateOffset = layer.StateOffset;
            // Every tensor the cell lists, with its shape; a cell without bias_ih and bias_hh (MUT) has one bias.
            int ParameterOffset(string name) =>
                layer.Family.Tensors(Input, Hidden).FirstOrDefault(t => t.Name == name) is CellTensor t
                    ? Require(description, $"{name}_l{l}", t.IsMatrix ? new[] { t.Rows, t.Columns } : new[] { t.Rows }).Offset
                    : -1;
            foreach (CellTensor t in layer.Family.Tensors(Input, Hidden))
            {
                ParameterTensor found = Require(description, $"{t.Name}_l{l}", t.IsMatrix ? new[] { t.Rows, t.Columns } : new[] { t.Rows });
                if (t.Name == "weight_ih")
                {
                    WeightIh = Matrix.Of(found);
                }
                else if (t.Name == "weight_hh")
                {
                    WeightHh = Matrix.Of(found);
                }
            }

            BiasIh = ParameterOffset("bias_ih");
            BiasHh = ParameterOffset("bias_hh");
            Bias = ParameterOffset("bias");
            InputRows = layer.Family.BlockRows("weight_ih", Input, Hidden);
            RecurrentRows = layer.Family.BlockRows("weight_hh", Input, Hidden);
            Reference = ReferenceOf(Cell);
            Lstm = layer.Family.Lstm;
            IReadOnlyList<string> diagonals = layer.Family.Diagonals;
            PeepholeI = Diagonal(description, diagonals, "peephole_i", l, Hidden);
            PeepholeF = Diagonal(description, diagonals, "peephole_f", l, Hidden);
            PeepholeO = Diagonal(description, diagonals, "peephole_o", l, Hidden);
        }

        public CellKind Cell { get; }

        /// <summary>The cell's float64 step and gradient.</summary>
        public ReferenceCell Reference { get; }

        /// <summary>The LSTM's options (LSTM kinds only), which LstmVariant's step reads.</summary>
        public LstmOptions? Lstm { get; }

        public int Input { get; }

        public int Hidden { get; }

        public int Gates { get; }

        public bool HasCellState { get; }

        public int StateOffset { get; }

        public Matrix WeightIh { get; } = null!;

        public Matrix WeightHh { get; } = null!;

        /// <summary>bias_ih's offset, or -1 (MUT has one bias).</summary>
        public int BiasIh { get; }

        /// <summary>bias_hh's offset, or -1.</summary>
        public int BiasHh { get; }

        /// <summary>The one bias of a cell without bias_ih and bias_hh (MUT), or -1.</summary>
        public int Bias { get; }

        /// <summary>Per gate block, its first row in weight_ih, or -1 when weight_ih does not stack it.</summary>
        public int[] InputRows { get; }

        /// <summary>Per gate block, its first row in weight_hh, or -1 when weight_hh does not stack it.</summary>
        public int[] RecurrentRows { get; }

        public int PeepholeI { get; }

        public int PeepholeF { get; }

        public int PeepholeO { get; }

        // The offset of the named diagonal vector when the cell has it, else -1.
        private static int Diagonal(ModelDescription description, IReadOnlyList<string> diagonals, string name, int l, int hidden) =>
            diagonals.Contains(name) ? Require(description, $"{name}_l{l}", hidden).Offset : -1;
    }
}
