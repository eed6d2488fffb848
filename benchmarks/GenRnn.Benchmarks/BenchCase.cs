namespace GenRnn.Benchmarks;

/// <summary>The recurrent cells the benchmarks cover (GRU with the reset gate after the recurrent product).</summary>
public enum Cell
{
    Lstm,
    Gru,
    Rnn,
}

/// <summary>
/// The benchmark matrix: every <see cref="Cell"/> at every size in <see cref="Sizes"/>, the shared deterministic data
/// (inputs, output gradients) and the map from a (cell, size) pair to its generated model and ONNX files.
/// </summary>
public static class BenchCase
{
    /// <summary>Steps of the sequence benchmarks (and the number of distinct inputs the step benchmarks cycle through).</summary>
    public const int Steps = 100;

    /// <summary>"{input}x{hidden}", smallest first; the values of the benchmarks' Size parameter.</summary>
    public static readonly string[] Sizes = ["1x8", "1x32", "8x32", "16x64", "32x128", "64x256"];

    /// <summary>Splits "IxH" into its input and hidden sizes.</summary>
    public static (int Input, int Hidden) Parse(string size)
    {
        string[] parts = size.Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int input) || !int.TryParse(parts[1], out int hidden))
        {
            throw new ArgumentException($"A size is written IxH, e.g. 8x32; got '{size}'.", nameof(size));
        }

        return (input, hidden);
    }

    /// <summary>The generated model of (cell, size), with deterministic parameters, wrapped for the benchmarks.</summary>
    public static GeneratedRunner CreateGenerated(Cell cell, string size) => (cell, size) switch
    {
        (Cell.Lstm, "1x8") => new GeneratedRunner<Lstm1x8>(m => m.ToBFloat16()),
        (Cell.Lstm, "1x32") => new GeneratedRunner<Lstm1x32>(m => m.ToBFloat16()),
        (Cell.Lstm, "8x32") => new GeneratedRunner<Lstm8x32>(m => m.ToBFloat16()),
        (Cell.Lstm, "16x64") => new GeneratedRunner<Lstm16x64>(m => m.ToBFloat16()),
        (Cell.Lstm, "32x128") => new GeneratedRunner<Lstm32x128>(m => m.ToBFloat16()),
        (Cell.Lstm, "64x256") => new GeneratedRunner<Lstm64x256>(m => m.ToBFloat16()),
        (Cell.Gru, "1x8") => new GeneratedRunner<Gru1x8>(m => m.ToBFloat16()),
        (Cell.Gru, "1x32") => new GeneratedRunner<Gru1x32>(m => m.ToBFloat16()),
        (Cell.Gru, "8x32") => new GeneratedRunner<Gru8x32>(m => m.ToBFloat16()),
        (Cell.Gru, "16x64") => new GeneratedRunner<Gru16x64>(m => m.ToBFloat16()),
        (Cell.Gru, "32x128") => new GeneratedRunner<Gru32x128>(m => m.ToBFloat16()),
        (Cell.Gru, "64x256") => new GeneratedRunner<Gru64x256>(m => m.ToBFloat16()),
        (Cell.Rnn, "1x8") => new GeneratedRunner<Rnn1x8>(m => m.ToBFloat16()),
        (Cell.Rnn, "1x32") => new GeneratedRunner<Rnn1x32>(m => m.ToBFloat16()),
        (Cell.Rnn, "8x32") => new GeneratedRunner<Rnn8x32>(m => m.ToBFloat16()),
        (Cell.Rnn, "16x64") => new GeneratedRunner<Rnn16x64>(m => m.ToBFloat16()),
        (Cell.Rnn, "32x128") => new GeneratedRunner<Rnn32x128>(m => m.ToBFloat16()),
        (Cell.Rnn, "64x256") => new GeneratedRunner<Rnn64x256>(m => m.ToBFloat16()),
        _ => throw new ArgumentException($"No model declared for {cell} {size}."),
    };

    /// <summary>The Cores = 2 twin of (cell, size), with the same parameters as <see cref="CreateGenerated"/>'s.</summary>
    public static GeneratedRunner CreateTwoCores(Cell cell, string size) => (cell, size) switch
    {
        (Cell.Lstm, "1x8") => new GeneratedRunner<Lstm1x8Cores2>(m => m.ToBFloat16()),
        (Cell.Lstm, "1x32") => new GeneratedRunner<Lstm1x32Cores2>(m => m.ToBFloat16()),
        (Cell.Lstm, "8x32") => new GeneratedRunner<Lstm8x32Cores2>(m => m.ToBFloat16()),
        (Cell.Lstm, "16x64") => new GeneratedRunner<Lstm16x64Cores2>(m => m.ToBFloat16()),
        (Cell.Lstm, "32x128") => new GeneratedRunner<Lstm32x128Cores2>(m => m.ToBFloat16()),
        (Cell.Lstm, "64x256") => new GeneratedRunner<Lstm64x256Cores2>(m => m.ToBFloat16()),
        (Cell.Gru, "1x8") => new GeneratedRunner<Gru1x8Cores2>(m => m.ToBFloat16()),
        (Cell.Gru, "1x32") => new GeneratedRunner<Gru1x32Cores2>(m => m.ToBFloat16()),
        (Cell.Gru, "8x32") => new GeneratedRunner<Gru8x32Cores2>(m => m.ToBFloat16()),
        (Cell.Gru, "16x64") => new GeneratedRunner<Gru16x64Cores2>(m => m.ToBFloat16()),
        (Cell.Gru, "32x128") => new GeneratedRunner<Gru32x128Cores2>(m => m.ToBFloat16()),
        (Cell.Gru, "64x256") => new GeneratedRunner<Gru64x256Cores2>(m => m.ToBFloat16()),
        (Cell.Rnn, "1x8") => new GeneratedRunner<Rnn1x8Cores2>(m => m.ToBFloat16()),
        (Cell.Rnn, "1x32") => new GeneratedRunner<Rnn1x32Cores2>(m => m.ToBFloat16()),
        (Cell.Rnn, "8x32") => new GeneratedRunner<Rnn8x32Cores2>(m => m.ToBFloat16()),
        (Cell.Rnn, "16x64") => new GeneratedRunner<Rnn16x64Cores2>(m => m.ToBFloat16()),
        (Cell.Rnn, "32x128") => new GeneratedRunner<Rnn32x128Cores2>(m => m.ToBFloat16()),
        (Cell.Rnn, "64x256") => new GeneratedRunner<Rnn64x256Cores2>(m => m.ToBFloat16()),
        _ => throw new ArgumentException($"No model declared for {cell} {size}."),
    };

    /// <summary>Whether (cell, size) has a model with a Dense(1) head (<see cref="CreateWithHead"/>).</summary>
    public static bool HasHeadModel(Cell cell, string size) => cell != Cell.Rnn && size is "1x8" or "8x32";

    /// <summary>The model of (cell, size) with a Dense(1) head (its bfloat16 snapshot is not timed).</summary>
    public static GeneratedRunner CreateWithHead(Cell cell, string size) => (cell, size) switch
    {
        (Cell.Lstm, "1x8") => new GeneratedRunner<Lstm1x8Head>(m => m.ToBFloat16()),
        (Cell.Lstm, "8x32") => new GeneratedRunner<Lstm8x32Head>(m => m.ToBFloat16()),
        (Cell.Gru, "1x8") => new GeneratedRunner<Gru1x8Head>(m => m.ToBFloat16()),
        (Cell.Gru, "8x32") => new GeneratedRunner<Gru8x32Head>(m => m.ToBFloat16()),
        _ => throw new ArgumentException($"No model with a head declared for {cell} {size}."),
    };

    /// <summary>Fills <paramref name="parameters"/> uniformly in ±1/sqrt(H) (PyTorch's default range) from a fixed seed.</summary>
    public static void InitialiseParameters(Span<float> parameters, int hiddenSize)
    {
        var random = new Random(42);
        float scale = 1f / MathF.Sqrt(hiddenSize);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        }
    }

    /// <summary><see cref="Steps"/> x <paramref name="inputSize"/> inputs, uniform in [-1, 1), the same for every implementation.</summary>
    public static float[] Inputs(int inputSize) => Uniform(Steps * inputSize, seed: 7);

    /// <summary><see cref="Steps"/> x <paramref name="hiddenSize"/> gradients of a loss with respect to the outputs.</summary>
    public static float[] OutputGradients(int hiddenSize) => Uniform(Steps * hiddenSize, seed: 11);

    /// <summary>The ONNX model of (cell, size) with T = <paramref name="steps"/>, next to the executable.</summary>
    public static string OnnxPath(Cell cell, string size, int steps)
    {
        (int input, int hidden) = Parse(size);
        return Path.Combine(AppContext.BaseDirectory, "Onnx", $"{cell.ToString().ToLowerInvariant()}_i{input}_h{hidden}_t{steps}.onnx");
    }

    private static float[] Uniform(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
