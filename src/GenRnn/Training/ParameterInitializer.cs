using GenRnn.Cells;

namespace GenRnn.Training;

/// <summary>
/// Fills a model's parameter buffer with seeded random values. Values are drawn tensor by tensor in the order of
/// <see cref="ModelDescription.Tensors"/> and, inside a tensor, in PyTorch's row-major order, and written through
/// <see cref="ParameterTensor.FlatIndex"/>, so the same seed gives the same PyTorch tensors whatever the storage
/// layout. Every parameter is written.
/// </summary>
public static class ParameterInitializer
{
    /// <summary>
    /// PyTorch's default initialisation: every tensor of a recurrent layer (weights, biases, peepholes) uniform in
    /// ±1/sqrt(H) with H the layer's hidden size (as nn.RNN, nn.LSTM, nn.GRU); the embedding N(0, 1) (nn.Embedding);
    /// the head's weight and bias uniform in ±1/sqrt(in_features) (nn.Linear).
    /// </summary>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer (<see cref="ModelDescription.ParameterCount"/> floats).</param>
    /// <param name="seed">The seed; the same seed gives the same values.</param>
    /// <exception cref="ArgumentException">The buffer's length does not match, or the description names an unknown tensor.</exception>
    public static void PyTorchDefault(ModelDescription description, Span<float> parameters, int seed)
    {
        Validate(description, parameters);
        var random = new Random(seed);
        foreach (ParameterTensor tensor in description.Tensors)
        {
            switch (Classify(description, tensor, out LayerDescription? layer))
            {
                case TensorRole.Embedding:
                    FillGaussian(tensor, parameters, random, 1.0);
                    break;
                case TensorRole.HeadWeight:
                case TensorRole.HeadBias:
                    FillUniform(tensor, parameters, random, 1.0 / Math.Sqrt(description.Layers[^1].HiddenSize));
                    break;
                default:
                    FillUniform(tensor, parameters, random, 1.0 / Math.Sqrt(layer!.HiddenSize));
                    break;
            }
        }
    }

    /// <summary>
    /// A usually better start for training: input weights Glorot-uniform per gate block (±sqrt(6/(I + H))),
    /// recurrent weights orthogonal per H × H gate block (Gram–Schmidt on a seeded Gaussian matrix), biases and
    /// peepholes zero except a forget-gate bias of 1 for LSTMs with a forget gate (bias_ih[H, 2H), gate order
    /// i, f, g, o), the embedding N(0, 1), the head's weight Glorot-uniform (±sqrt(6/(H + C))) and its bias zero.
    /// </summary>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer (<see cref="ModelDescription.ParameterCount"/> floats).</param>
    /// <param name="seed">The seed; the same seed gives the same values.</param>
    /// <exception cref="ArgumentException">The buffer's length does not match, or the description names an unknown tensor.</exception>
    public static void Recommended(ModelDescription description, Span<float> parameters, int seed)
    {
        Validate(description, parameters);
        var random = new Random(seed);
        foreach (ParameterTensor tensor in description.Tensors)
        {
            TensorRole role = Classify(description, tensor, out LayerDescription? layer);
            switch (role)
            {
                case TensorRole.Embedding:
                    FillGaussian(tensor, parameters, random, 1.0);
                    break;
                case TensorRole.HeadWeight:
                    FillUniform(tensor, parameters, random, Math.Sqrt(6.0 / (tensor.Shape[0] + tensor.Shape[1])));
                    break;
                case TensorRole.InputWeight:
                    FillUniform(tensor, parameters, random, Math.Sqrt(6.0 / (tensor.Shape[1] + layer!.HiddenSize)));
                    break;
                case TensorRole.RecurrentWeight:
                    FillOrthogonalBlocks(tensor, parameters, random, layer!.HiddenSize);
                    break;
                default:
                    Fill(tensor, parameters, 0f);
                    if (role == TensorRole.InputBias && layer!.Family.ForgetBlock >= 0)
                    {
                        int h = layer.HiddenSize, forget = layer.Family.ForgetBlock * h;
                        for (int i = forget; i < forget + h; i++)
                        {
                            parameters[tensor.FlatIndex(i)] = 1f;
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="parameters"/> with <see cref="Recommended"/> if every one of them is zero (as a freshly
    /// created model's are); leaves them alone otherwise.
    /// </summary>
    /// <returns>Whether the parameters were initialised.</returns>
    internal static bool RecommendedIfAllZero(ModelDescription description, Span<float> parameters, int seed)
    {
        foreach (float p in parameters)
        {
            if (p != 0f)
            {
                return false; // NaN too: not a fresh model
            }
        }

        Recommended(description, parameters, seed);
        return true;
    }

    private enum TensorRole
    {
        Embedding,
        InputWeight,
        RecurrentWeight,
        InputBias,
        RecurrentBias,
        Peephole,
        HeadWeight,
        HeadBias,
    }

    private static void Validate(ModelDescription description, Span<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException($"{description.Name} has {description.ParameterCount} parameters, the buffer holds {parameters.Length}.", nameof(parameters));
        }
    }

    private static TensorRole Classify(ModelDescription description, ParameterTensor tensor, out LayerDescription? layer)
    {
        layer = null;
        switch (tensor.Name)
        {
            case "embedding.weight":
                return TensorRole.Embedding;
            case "head.weight":
                return TensorRole.HeadWeight;
            case "head.bias":
                return TensorRole.HeadBias;
        }

        int at = tensor.Name.LastIndexOf("_l", StringComparison.Ordinal);
        if (at > 0 && int.TryParse(tensor.Name.AsSpan(at + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index) && index < description.Layers.Count)
        {
            layer = description.Layers[index];
            string cellName = tensor.Name[..at];
            foreach (CellTensor t in layer.Family.Tensors(layer.InputSize, layer.HiddenSize))
            {
                if (t.Name == cellName)
                {
                    return t.Role switch
                    {
                        CellTensorRole.InputWeight => TensorRole.InputWeight,
                        CellTensorRole.RecurrentWeight => TensorRole.RecurrentWeight,
                        CellTensorRole.InputBias => TensorRole.InputBias,
                        CellTensorRole.RecurrentBias => TensorRole.RecurrentBias,
                        CellTensorRole.Diagonal => TensorRole.Peephole,
                        // MUT's one bias: zeros, as the input bias of a cell without a forget block.
                        CellTensorRole.Bias => TensorRole.InputBias,
                        _ => throw new InvalidOperationException($"The initializer has no rule for a {t.Role} tensor."),
                    };
                }
            }
        }

        throw new ArgumentException($"{description.Name} has a parameter '{tensor.Name}' the initializer does not know.", nameof(description));
    }

    private static void Fill(ParameterTensor tensor, Span<float> parameters, float value)
    {
        for (int i = 0; i < tensor.Length; i++)
        {
            parameters[tensor.FlatIndex(i)] = value;
        }
    }

    private static void FillUniform(ParameterTensor tensor, Span<float> parameters, Random random, double bound)
    {
        for (int i = 0; i < tensor.Length; i++)
        {
            parameters[tensor.FlatIndex(i)] = (float)((2 * random.NextDouble() - 1) * bound);
        }
    }

    private static void FillGaussian(ParameterTensor tensor, Span<float> parameters, Random random, double standardDeviation)
    {
        for (int i = 0; i < tensor.Length; i++)
        {
            parameters[tensor.FlatIndex(i)] = (float)(NextGaussian(random) * standardDeviation);
        }
    }

    /// <summary>Each H × H gate block of a [G·H, H] recurrent weight becomes an independent random orthogonal matrix.</summary>
    private static void FillOrthogonalBlocks(ParameterTensor tensor, Span<float> parameters, Random random, int h)
    {
        int blocks = tensor.Shape[0] / h;
        var q = new double[h * h];
        for (int b = 0; b < blocks; b++)
        {
            RandomOrthogonal(q, h, random);
            for (int r = 0; r < h; r++)
            {
                for (int c = 0; c < h; c++)
                {
                    parameters[tensor.FlatIndex((b * h + r) * h + c)] = (float)q[r * h + c];
                }
            }
        }
    }

    /// <summary>
    /// Orthonormalises the rows of a Gaussian matrix by modified Gram–Schmidt, twice for accuracy. The result is the
    /// Q of A = L·Q with a positive diagonal in L, hence uniformly (Haar) distributed over the orthogonal matrices.
    /// </summary>
    private static void RandomOrthogonal(double[] q, int n, Random random)
    {
        for (int r = 0; r < n; r++)
        {
            Span<double> row = q.AsSpan(r * n, n);
            while (true)
            {
                for (int c = 0; c < n; c++)
                {
                    row[c] = NextGaussian(random);
                }

                double before = Norm(row);
                for (int pass = 0; pass < 2; pass++)
                {
                    for (int k = 0; k < r; k++)
                    {
                        ReadOnlySpan<double> other = q.AsSpan(k * n, n);
                        double dot = 0;
                        for (int c = 0; c < n; c++)
                        {
                            dot += row[c] * other[c];
                        }

                        for (int c = 0; c < n; c++)
                        {
                            row[c] -= dot * other[c];
                        }
                    }
                }

                double norm = Norm(row);
                if (norm > 1e-6 * before)
                {
                    for (int c = 0; c < n; c++)
                    {
                        row[c] /= norm;
                    }

                    break;
                }

                // The draw was (numerically) dependent on the rows before it: draw again.
            }
        }
    }

    private static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double x in v)
        {
            s += x * x;
        }

        return Math.Sqrt(s);
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private static double NextGaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(); // (0, 1]
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
