namespace GenRnn.Training;

/// <summary>Settings of a <see cref="Trainer{TModel}"/>. Defaults: softmax cross-entropy at every step, full BPTT, one thread.</summary>
public sealed record TrainerOptions
{
    /// <summary>The loss to minimise.</summary>
    public LossKind Loss { get; init; } = LossKind.SoftmaxCrossEntropy;

    /// <summary>How inputs and targets line up in time.</summary>
    public Scenario Scenario { get; init; } = Scenario.ManyToMany;

    /// <summary>Gradient clipping before each update.</summary>
    public GradientClip Clip { get; init; }

    /// <summary>0 for full BPTT; k > 0 for truncated BPTT in chunks of k steps, the state carried across chunks without gradient and one update per chunk.</summary>
    public int TruncatedSteps { get; init; }

    /// <summary>Threads that share a batch; gradients are summed in a fixed order, so a run is reproducible per thread count.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Sequences per update (<see cref="Trainer{TModel}.Fit"/>).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Passes over the training set (<see cref="Trainer{TModel}.Fit"/>).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Seed of the shuffling, and of the initialisation of an all-zero model (<see cref="InitializeZeroParameters"/>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Whether each epoch visits the training set in a new (seeded) order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The learning rate per epoch.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Stop after this many epochs without a better validation loss, restoring the best parameters; 0 = never.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>
    /// Receives a report, synchronously on the training thread (the thread that called <see cref="Trainer{TModel}.Fit"/>),
    /// after every <see cref="ReportEvery"/> batches and after every epoch. For a lambda use <see cref="OnProgress"/>.
    /// </summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Called with the same reports as <see cref="Progress"/>, synchronously on the training thread, right after it:
    /// <c>OnProgress = p => Console.WriteLine($"epoch {p.EpochsCompleted}: {p.Loss}")</c>. Both may be set.
    /// </summary>
    public Action<TrainingProgress>? OnProgress { get; init; }

    /// <summary>Batches between progress reports within an epoch; 0 = only at the end of epochs.</summary>
    public int ReportEvery { get; init; }

    /// <summary>Where <see cref="Trainer{TModel}.Fit"/> saves a checkpoint after every epoch, or null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Whether the trainer's constructor initialises a model whose parameters are all zero, as <c>TModel.Create()</c>
    /// leaves them, with <see cref="ParameterInitializer.Recommended"/> seeded by <see cref="Seed"/> (default true).
    /// From all-zero weights every hidden unit of a layer computes the same value and gets the same gradient, so the
    /// layer trains as if it had one unit. A model with any non-zero parameter (initialised, imported or loaded) is
    /// never touched; <see cref="Trainer{TModel}.InitializedParameters"/> tells which happened. False trains from zero.
    /// </summary>
    public bool InitializeZeroParameters { get; init; } = true;
}
