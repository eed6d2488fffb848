using Microsoft.ML.OnnxRuntime;

namespace GenRnn.Benchmarks;

/// <summary>
/// ONNX Runtime running one of the single-node models in Onnx/ (batch 1, T = 1 or 100) the fastest way the C# API
/// offers: one intra-op thread, every input and output an <see cref="OrtValue"/> over a pinned array created once,
/// all of them bound once to an <see cref="OrtIoBinding"/>, so a step is a copy of the input into the bound X buffer,
/// <see cref="InferenceSession.RunWithBinding"/>, and a copy of Y_h (and Y_c) back into initial_h (initial_c).
/// </summary>
/// <remarks>
/// The ONNX models carry their own random weights (see testdata/onnx/README.md); the benchmark loads none of
/// GenRnn's into them, since an RNN's run time does not depend on its weight values. Correctness here means the
/// shapes ONNX Runtime produces and that the bound run agrees with a plain <c>Run</c> on the same inputs.
/// </remarks>
public sealed class OnnxRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly List<OrtValue> _values = [];
    private readonly float[] _inputs;
    private readonly float[] _x, _h, _c, _y, _yh, _yc;
    private readonly int _inputSize, _hiddenSize, _steps;
    private readonly bool _lstm;
    private int _step;

    /// <param name="cell">The cell.</param>
    /// <param name="size">"{input}x{hidden}".</param>
    /// <param name="steps">T: 1 (step) or 100 (sequence).</param>
    /// <param name="generated">The generated model of the case: exported with GenRnn's own ONNX export (its weights,
    /// an LSTM/GRU/RNN node and a Squeeze) where Onnx/ has no reference model for the size.</param>
    public OnnxRunner(Cell cell, string size, int steps, GeneratedRunner generated)
    {
        (_inputSize, _hiddenSize) = BenchCase.Parse(size);
        _steps = steps;
        _lstm = cell == Cell.Lstm;
        string path = BenchCase.OnnxPath(cell, size, steps);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        bool reference = File.Exists(path);
        _session = reference
            ? new InferenceSession(path, options)
            : new InferenceSession(Interop.Onnx.Serialize(generated.Description, generated.Parameters), options);
        Source = reference ? Path.GetFileName(path) : "GenRnn's ONNX export";
        (string X, string H, string C, string Y, string Yh, string Yc) names = reference
            ? ("X", "initial_h", "initial_c", "Y", "Y_h", "Y_c")
            : (Interop.Onnx.InputName, Interop.Onnx.InitialHiddenName(0), Interop.Onnx.InitialCellName(0), Interop.Onnx.OutputName, Interop.Onnx.FinalHiddenName(0), Interop.Onnx.FinalCellName(0));

        // The step benchmark cycles through the same 100 inputs as the others; the sequence benchmark binds them all.
        _inputs = BenchCase.Inputs(_inputSize);
        _x = Pinned(steps * _inputSize);
        if (steps == BenchCase.Steps)
        {
            _inputs.CopyTo(_x, 0);
        }

        _h = Pinned(_hiddenSize);
        _c = Pinned(_lstm ? _hiddenSize : 0);
        _y = Pinned(steps * _hiddenSize);
        _yh = Pinned(_hiddenSize);
        _yc = Pinned(_lstm ? _hiddenSize : 0);

        // The reference models' Y keeps ONNX's num_directions axis; the export squeezes it.
        long[] xShape = [steps, 1, _inputSize], stateShape = [1, 1, _hiddenSize];
        long[] yShape = reference ? [steps, 1, 1, _hiddenSize] : [steps, 1, _hiddenSize];
        CheckMetadata(_session.InputMetadata, names.X, xShape);
        CheckMetadata(_session.InputMetadata, names.H, stateShape);
        CheckMetadata(_session.OutputMetadata, names.Y, yShape);
        CheckMetadata(_session.OutputMetadata, names.Yh, stateShape);
        if (_lstm)
        {
            CheckMetadata(_session.InputMetadata, names.C, stateShape);
            CheckMetadata(_session.OutputMetadata, names.Yc, stateShape);
        }

        InputNames = _lstm ? [names.X, names.H, names.C] : [names.X, names.H];
        OutputNames = _lstm ? [names.Y, names.Yh, names.Yc] : [names.Y, names.Yh];
        InputValues = _lstm ? [Value(_x, xShape), Value(_h, stateShape), Value(_c, stateShape)] : [Value(_x, xShape), Value(_h, stateShape)];
        OutputValues = _lstm ? [Value(_y, yShape), Value(_yh, stateShape), Value(_yc, stateShape)] : [Value(_y, yShape), Value(_yh, stateShape)];

        _binding = _session.CreateIoBinding();
        for (int i = 0; i < InputNames.Length; i++)
        {
            _binding.BindInput(InputNames[i], InputValues[i]);
        }

        for (int i = 0; i < OutputNames.Length; i++)
        {
            _binding.BindOutput(OutputNames[i], OutputValues[i]);
        }

        Validate(stateShape, yShape);
        Reset();
    }

    /// <summary>Where the model came from: the reference file's name, or GenRnn's export.</summary>
    public string Source { get; }

    /// <summary>The last run's Y (T x H).</summary>
    public ReadOnlySpan<float> Y => _y;

    private string[] InputNames { get; }

    private string[] OutputNames { get; }

    private OrtValue[] InputValues { get; }

    private OrtValue[] OutputValues { get; }

    /// <summary>Zeros initial_h (and initial_c) and restarts the input cycle.</summary>
    public void Reset()
    {
        Array.Clear(_h);
        Array.Clear(_c);
        _step = 0;
    }

    /// <summary>One step of the T = 1 model: the next input of the cycle in, the state carried.</summary>
    public void Step()
    {
        _inputs.AsSpan(_step * _inputSize, _inputSize).CopyTo(_x);
        Run();
        _step = _step + 1 == BenchCase.Steps ? 0 : _step + 1;
    }

    /// <summary>The T = 100 model over the bound inputs, from the carried state.</summary>
    public void Forward() => Run();

    public void Dispose()
    {
        _binding.Dispose();
        foreach (OrtValue value in _values)
        {
            value.Dispose();
        }

        _session.Dispose();
        _runOptions.Dispose();
    }

    private void Run()
    {
        _session.RunWithBinding(_runOptions, _binding);
        _yh.CopyTo(_h, 0);
        if (_lstm)
        {
            _yc.CopyTo(_c, 0);
        }
    }

    private static float[] Pinned(int length) => GC.AllocateArray<float>(length, pinned: true);

    private OrtValue Value(float[] buffer, long[] shape)
    {
        var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(), shape);
        _values.Add(value);
        return value;
    }

    private static void CheckMetadata(IReadOnlyDictionary<string, NodeMetadata> metadata, string name, long[] shape)
    {
        if (!metadata.TryGetValue(name, out NodeMetadata? node))
        {
            throw new InvalidOperationException($"The ONNX model has no '{name}'; it has {string.Join(", ", metadata.Keys)}.");
        }

        // Dimensions that are symbolic in the model are reported as -1.
        int[] dims = node.Dimensions;
        if (dims.Length != shape.Length || dims.Where((d, i) => d >= 0 && d != shape[i]).Any())
        {
            throw new InvalidOperationException($"'{name}' has shape [{string.Join(", ", dims)}], expected [{string.Join(", ", shape)}].");
        }
    }

    // One plain Run with ONNX Runtime allocating the outputs: their shapes must be the expected ones, and the bound run
    // from the same inputs must give the same Y (so the binding really reads our buffers and writes into them).
    private void Validate(long[] stateShape, long[] yShape)
    {
        _inputs.AsSpan(0, _x.Length).CopyTo(_x);
        float[] expected = [];
        using (IDisposableReadOnlyCollection<OrtValue> results = _session.Run(_runOptions, InputNames, InputValues, OutputNames))
        {
            for (int i = 0; i < results.Count; i++)
            {
                long[] shape = results[i].GetTensorTypeAndShape().Shape;
                long[] want = i == 0 ? yShape : stateShape;
                if (!shape.SequenceEqual(want))
                {
                    throw new InvalidOperationException($"ONNX Runtime returned {OutputNames[i]} of shape [{string.Join(", ", shape)}], expected [{string.Join(", ", want)}].");
                }
            }

            expected = results[0].GetTensorDataAsSpan<float>().ToArray();
        }

        _session.RunWithBinding(_runOptions, _binding);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!float.IsFinite(expected[i]) || Math.Abs(expected[i] - _y[i]) > 1e-6f)
            {
                throw new InvalidOperationException($"The bound run's Y[{i}] = {_y[i]} differs from a plain run's {expected[i]}.");
            }
        }
    }
}
