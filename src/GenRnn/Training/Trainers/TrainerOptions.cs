namespace GenRnn.Training;

/// <summary>
/// Settings of a <see cref="Trainer{TModel}"/>. Defaults: softmax cross-entropy at every step, full BPTT, one thread.
/// Every value is checked when it is set (and again when a trainer is constructed): an out-of-range value throws an
/// <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>, <see cref="ArgumentNullException"/>)
/// whose <see cref="ArgumentException.ParamName"/> is the property's name, and the options are left unchanged.
/// </summary>
public sealed record TrainerOptions
{
    private LossKind _loss = LossKind.SoftmaxCrossEntropy;
    private Scenario _scenario = Scenario.ManyToMany;
    private GradientClip _clip;
    private int _truncatedSteps;
    private int _threads = 1;
    private int _batchSize = 16;
    private int _epochs = 10;
    private LearningRateSchedule _schedule = LearningRateSchedule.Constant;
    private int _earlyStoppingPatience;
    private int _reportEvery;
    private string? _checkpointPath;

    /// <summary>The loss to minimise; a defined <see cref="LossKind"/>.</summary>
    public LossKind Loss
    {
        get => _loss;
        init => _loss = RequireDefined(value, nameof(Loss));
    }

    /// <summary>How inputs and targets line up in time; a defined <see cref="Training.Scenario"/>.</summary>
    public Scenario Scenario
    {
        get => _scenario;
        init => _scenario = RequireDefined(value, nameof(Scenario));
    }

    /// <summary>Gradient clipping before each update: a defined mode and, unless None, a positive threshold.</summary>
    public GradientClip Clip
    {
        get => _clip;
        init
        {
            value.Validate(nameof(Clip));
            _clip = value;
        }
    }

    /// <summary>0 for full BPTT; k > 0 for truncated BPTT in chunks of k steps, the state carried across chunks without gradient and one update per chunk.</summary>
    public int TruncatedSteps
    {
        get => _truncatedSteps;
        init => _truncatedSteps = RequireAtLeast(value, 0, nameof(TruncatedSteps), "TruncatedSteps must be 0 (full BPTT) or positive.");
    }

    /// <summary>Threads that share a batch (at least 1); gradients are summed in a fixed order, so a run is reproducible per thread count.</summary>
    public int Threads
    {
        get => _threads;
        init => _threads = RequireAtLeast(value, 1, nameof(Threads), "Threads must be at least 1.");
    }

    /// <summary>Sequences per update (<see cref="Trainer{TModel}.Fit"/>), at least 1.</summary>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = RequireAtLeast(value, 1, nameof(BatchSize), "BatchSize must be at least 1.");
    }

    /// <summary>
    /// Passes over the training set (<see cref="Trainer{TModel}.Fit"/>), 0 or more. 0 is allowed: <see cref="Trainer{TModel}.Fit"/>
    /// then checks the data and returns an empty report without changing the model (also when a loaded checkpoint
    /// has already reached the last epoch).
    /// </summary>
    public int Epochs
    {
        get => _epochs;
        init => _epochs = RequireAtLeast(value, 0, nameof(Epochs), "Epochs must be 0 or more.");
    }

    /// <summary>Seed of the shuffling, and of the initialisation of an all-zero model (<see cref="InitializeZeroParameters"/>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Whether each epoch visits the training set in a new (seeded) order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The learning rate per epoch; not null.</summary>
    public LearningRateSchedule Schedule
    {
        get => _schedule;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Schedule));
            _schedule = value;
        }
    }

    /// <summary>Stop after this many epochs without a better validation loss, restoring the best parameters; 0 = never.</summary>
    public int EarlyStoppingPatience
    {
        get => _earlyStoppingPatience;
        init => _earlyStoppingPatience = RequireAtLeast(value, 0, nameof(EarlyStoppingPatience), "EarlyStoppingPatience must be 0 (never stop early) or positive.");
    }

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
    public int ReportEvery
    {
        get => _reportEvery;
        init => _reportEvery = RequireAtLeast(value, 0, nameof(ReportEvery), "ReportEvery must be 0 (only at the end of epochs) or positive.");
    }

    /// <summary>Where <see cref="Trainer{TModel}.Fit"/> saves a checkpoint after every epoch, or null; not empty or white space.</summary>
    public string? CheckpointPath
    {
        get => _checkpointPath;
        init
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("CheckpointPath must be null (no checkpoints) or a path, not empty or white space.", nameof(CheckpointPath));
            }

            _checkpointPath = value;
        }
    }

    /// <summary>
    /// Whether the trainer's constructor initialises a model whose parameters are all zero, as <c>TModel.Create()</c>
    /// leaves them, with <see cref="ParameterInitializer.Recommended"/> seeded by <see cref="Seed"/> (default true).
    /// From all-zero weights every hidden unit of a layer computes the same value and gets the same gradient, so the
    /// layer trains as if it had one unit. A model with any non-zero parameter (initialised, imported or loaded) is
    /// never touched; <see cref="Trainer{TModel}.InitializedParameters"/> tells which happened. False trains from zero.
    /// </summary>
    public bool InitializeZeroParameters { get; init; } = true;

    /// <summary>
    /// Checks every value again (they are checked when set; this catches options made some other way, for example
    /// by reflection or a serializer that writes the fields).
    /// </summary>
    internal void Validate()
    {
        RequireDefined(Loss, nameof(Loss));
        RequireDefined(Scenario, nameof(Scenario));
        Clip.Validate(nameof(Clip));
        RequireAtLeast(TruncatedSteps, 0, nameof(TruncatedSteps), "TruncatedSteps must be 0 (full BPTT) or positive.");
        RequireAtLeast(Threads, 1, nameof(Threads), "Threads must be at least 1.");
        RequireAtLeast(BatchSize, 1, nameof(BatchSize), "BatchSize must be at least 1.");
        RequireAtLeast(Epochs, 0, nameof(Epochs), "Epochs must be 0 or more.");
        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        RequireAtLeast(EarlyStoppingPatience, 0, nameof(EarlyStoppingPatience), "EarlyStoppingPatience must be 0 (never stop early) or positive.");
        RequireAtLeast(ReportEvery, 0, nameof(ReportEvery), "ReportEvery must be 0 (only at the end of epochs) or positive.");
    }

    private static T RequireDefined<T>(T value, string name) where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be one of {string.Join(", ", Enum.GetNames<T>())}.");
        }

        return value;
    }

    private static int RequireAtLeast(int value, int minimum, string name, string message)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, message);
        }

        return value;
    }
}
