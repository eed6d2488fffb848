using BenchmarkDotNet.Attributes;

namespace GenRnn.Benchmarks;

/// <summary>
/// 1. Streaming: one step at batch 1 with the state carried from step to step, cycling through 100 fixed inputs.
/// Generated <c>Step</c> (baseline), its bfloat16 snapshot, its Cores = 2 twin and that twin's bfloat16 snapshot vs the
/// scalar double reference vs ONNX Runtime on the T = 1 model.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Step")]
public class StepBenchmarks : RuntimeComparisonBenchmark
{
    [GlobalSetup]
    public void Setup()
    {
        CreateRunners();
        Checks.FirstStep(Generated, Reference);
        Checks.FirstBFloat16Step(Generated);
        CreateTwoCores();
        Checks.FirstStep(TwoCores, Reference);
        Checks.FirstBFloat16Step(TwoCores);
        CreateOnnx(steps: 1);
    }

    [Benchmark(Baseline = true, Description = "GenRnn")]
    public void GeneratedStep() => Generated.Step();

    [Benchmark(Description = "GenRnn bf16")]
    public void GeneratedStepBFloat16() => Generated.StepBFloat16();

    [Benchmark(Description = "GenRnn 2 cores")]
    public void GeneratedStepTwoCores() => TwoCores.Step();

    [Benchmark(Description = "GenRnn bf16 2 cores")]
    public void GeneratedStepBFloat16TwoCores() => TwoCores.StepBFloat16();

    [Benchmark(Description = "Reference")]
    public void ReferenceStep() => Reference.Step();

    [Benchmark(Description = "OnnxRuntime")]
    public void OnnxRuntimeStep() => Onnx.Step();
}

/// <summary>
/// 2. Sequence inference: a 100-step <c>Forward</c> from the carried state (a block of a stream), batch 1.
/// Generated (baseline) and its Cores = 2 twin vs the reference vs ONNX Runtime on the T = 100 model.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Sequence")]
public class SequenceBenchmarks : RuntimeComparisonBenchmark
{
    [GlobalSetup]
    public void Setup()
    {
        CreateRunners();
        Checks.FirstStep(Generated, Reference);
        Checks.Sequence(Generated, Reference);
        CreateTwoCores();
        Checks.Sequence(TwoCores, Reference);
        CreateOnnx(BenchCase.Steps);
    }

    [Benchmark(Baseline = true, Description = "GenRnn")]
    public void GeneratedForward() => Generated.Forward();

    [Benchmark(Description = "GenRnn 2 cores")]
    public void GeneratedForwardTwoCores() => TwoCores.Forward();

    [Benchmark(Description = "Reference")]
    public void ReferenceForward() => Reference.Forward();

    [Benchmark(Description = "OnnxRuntime")]
    public void OnnxRuntimeForward() => Onnx.Forward();
}

/// <summary>
/// 3. Training: from a zero state, a 100-step <c>Forward</c> recording a trace, then <c>Backward</c> (BPTT) with
/// fixed output gradients, adding into the parameter gradients (input gradients skipped).
/// Generated (baseline) vs the reference.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
[BenchmarkCategory("Training")]
public class TrainingBenchmarks : CaseBenchmark
{
    [GlobalSetup]
    public void Setup()
    {
        CreateRunners();
        Checks.FirstStep(Generated, Reference);
        Checks.Gradients(Generated, Reference);
    }

    [Benchmark(Baseline = true, Description = "GenRnn")]
    public void GeneratedForwardBackward() => Generated.ForwardBackward();

    // The untraced 100-step Forward from the same zero state, so the Ratio column gives forward / (forward + backward)
    // within one run.
    [Benchmark(Description = "GenRnn Forward only")]
    public void GeneratedForwardOnly() => Generated.ForwardFromZero();

    // The traced forward alone (the first half of the GenRnn row), so that the backward's share is the difference
    // of the two rows and the cost of recording the trace is this row against the untraced one.
    [Benchmark(Description = "GenRnn traced Forward")]
    public void GeneratedForwardTraced() => Generated.ForwardTraced();

    [Benchmark(Description = "Reference")]
    public void ReferenceForwardBackward() => Reference.ForwardBackward();
}

/// <summary>
/// 5. One streaming step of a model with a Dense(1) head (one output per step, as in an audio effect), state carried:
/// the recurrent layer and the head's dot product. LSTM and GRU at (1, 8) and (8, 32) only
/// (<see cref="BenchCase.HasHeadModel"/>). Generated (baseline) vs the reference.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
[BenchmarkCategory("HeadStep")]
public class HeadStepBenchmarks : CaseBenchmark
{
    [GlobalSetup]
    public void Setup()
    {
        CreateRunners(withHead: true);
        Checks.FirstStep(Generated, Reference);
        Checks.Sequence(Generated, Reference);
        Checks.Gradients(Generated, Reference);
    }

    [Benchmark(Baseline = true, Description = "GenRnn")]
    public void GeneratedStep() => Generated.Step();

    [Benchmark(Description = "Reference")]
    public void ReferenceStep() => Reference.Step();
}

/// <summary>
/// 4. Batched streaming: one step of 16 independent streams (audio channels, game agents) with <c>StepStreams</c>,
/// which reads each weight once per group of streams, vs 16 separate <c>Step</c> calls (baseline).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Streams")]
public class StreamsBenchmarks : CaseBenchmark
{
    [GlobalSetup]
    public void Setup() => CreateRunners();

    [Benchmark(Baseline = true, Description = "GenRnn Step x16")]
    public void EachStream() => Generated.StepEachStream();

    [Benchmark(Description = "GenRnn StepStreams(16)")]
    public void Streams() => Generated.StepStreams();
}

/// <summary>The parameters every benchmark shares: the cell and the size "{input}x{hidden}".</summary>
public abstract class CaseBenchmark
{
    [ParamsAllValues]
    public Cell Cell { get; set; }

    [ParamsSource(nameof(Sizes))]
    public string Size { get; set; } = BenchCase.Sizes[0];

    public static IEnumerable<string> Sizes => BenchCase.Sizes;

    protected GeneratedRunner Generated { get; private set; } = null!;

    protected ReferenceRunner Reference { get; private set; } = null!;

    /// <param name="withHead">The case's model with a Dense(1) head (<see cref="BenchCase.CreateWithHead"/>).</param>
    protected void CreateRunners(bool withHead = false)
    {
        Generated = withHead ? BenchCase.CreateWithHead(Cell, Size) : BenchCase.CreateGenerated(Cell, Size);
        Reference = new ReferenceRunner(Generated);
    }
}

/// <summary>
/// The inference benchmarks' extra runners: the Cores = 2 twin of the generated model and ONNX Runtime, which holds
/// native resources and so is disposed after each case.
/// </summary>
public abstract class RuntimeComparisonBenchmark : CaseBenchmark
{
    private OnnxRunner? _onnx;

    protected GeneratedRunner TwoCores { get; private set; } = null!;

    protected OnnxRunner Onnx => _onnx!;

    [GlobalCleanup]
    public void Cleanup() => _onnx?.Dispose();

    protected void CreateTwoCores() => TwoCores = BenchCase.CreateTwoCores(Cell, Size);

    /// <param name="steps">T of the ONNX model: 1 (step) or <see cref="BenchCase.Steps"/> (sequence).</param>
    protected void CreateOnnx(int steps) => _onnx = new OnnxRunner(Cell, Size, steps, Generated);
}
