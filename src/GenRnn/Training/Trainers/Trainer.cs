using System.Diagnostics;
using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>
/// Trains a generated model with backpropagation through time: full or truncated BPTT, minibatches of sequences of
/// different lengths, the four input-output scenarios, data-parallel threads summed in a fixed order, clipping,
/// learning-rate schedules, validation, early stopping and checkpoints.
/// </summary>
/// <typeparam name="TModel">The generated model; the JIT specialises the trainer for it.</typeparam>
public sealed class Trainer<TModel> : IDisposable where TModel : class, IRecurrentModel<TModel>
{
    private readonly SequenceWorker<TModel>[] _workers;
    private readonly WorkerPool _pool;
    private readonly Action<int> _runWorker;
    private readonly List<UpdateResult> _lastUpdates = new();
    private readonly List<Sample> _batch = new();
    private readonly UpdateGuard _guard;
    private readonly double _baseLearningRate;
    private IReadOnlyList<Sample> _job = [];
    private int _jobStart, _jobCount;
    private float _jobScale;
    private bool _jobEvaluate;
    private TrainingPosition _position;

    /// <summary>Creates a trainer for <paramref name="model"/> updated by <paramref name="optimizer"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The optimizer has another parameter count, or the loss does not fit the model's head (<c>options</c>), or an
    /// option is out of range (named by its property). Nothing is modified when it throws.
    /// </exception>
    public Trainer(TModel model, IOptimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new TrainerOptions();
        if (optimizer.ParameterCount != TModel.ParameterCount)
        {
            throw new ArgumentException($"The optimizer was made for {optimizer.ParameterCount} parameters; {typeof(TModel).Name} has {TModel.ParameterCount}.", nameof(optimizer));
        }

        Validate(options);
        Model = model;
        Optimizer = optimizer;
        Options = options;
        _baseLearningRate = optimizer.LearningRate;
        _guard = new UpdateGuard(options.Clip, (model.Parameters, model.Gradients, optimizer));
        _position = new TrainingPosition(0, 0, options.Seed);
        _workers = new SequenceWorker<TModel>[options.Threads];
        for (int i = 0; i < _workers.Length; i++)
        {
            // With one thread, gradients go straight into the model's buffer.
            _workers[i] = new SequenceWorker<TModel>(model, options, i == 0 ? model.Gradients : AlignedArray.Create(TModel.ParameterCount));
        }

        _pool = new WorkerPool(options.Threads);
        _runWorker = RunWorker;
        InitializedParameters = options.InitializeZeroParameters && ParameterInitializer.RecommendedIfAllZero(TModel.Description, model.Parameters, options.Seed);
    }

    /// <summary>The model being trained.</summary>
    public TModel Model { get; }

    /// <summary>The optimizer that updates it.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Whether the constructor found the model's parameters all zero and filled them with
    /// <see cref="ParameterInitializer.Recommended"/> seeded by <see cref="TrainerOptions.Seed"/>
    /// (see <see cref="TrainerOptions.InitializeZeroParameters"/>).
    /// </summary>
    public bool InitializedParameters { get; }

    /// <summary>Optimizer updates made so far (restored by <see cref="LoadCheckpoint"/>).</summary>
    public long Updates { get; private set; }

    /// <summary>What each update of the last <see cref="TrainBatch"/> saw (one per chunk with truncated BPTT).</summary>
    public IReadOnlyList<UpdateResult> LastUpdates => _lastUpdates;

    /// <summary>
    /// Trains on one batch: forward, loss, BPTT, clipping and one update (one per chunk with truncated BPTT).
    /// The batch loss is the mean over sequences of each sequence's mean loss over its target steps.
    /// </summary>
    /// <returns>The mean loss over the batch's updates, before each update.</returns>
    public double TrainBatch(IReadOnlyList<Sample> batch)
    {
        int steps = Prepare(batch, truncated: true, nameof(batch));
        int chunk = Options.TruncatedSteps > 0 ? Options.TruncatedSteps : steps;
        _lastUpdates.Clear();
        double sum = 0;
        for (int start = 0; start < steps; start += chunk)
        {
            int counted = CountTargets(batch, start, chunk);
            foreach (SequenceWorker<TModel> worker in _workers)
            {
                Array.Clear(worker.Gradients);
            }

            Dispatch(batch, start, chunk, counted == 0 ? 0f : 1f / counted, evaluate: false);
            if (counted == 0)
            {
                continue; // only carried the state forward
            }

            double loss = 0;
            foreach (SequenceWorker<TModel> worker in _workers)
            {
                loss += worker.Loss;
            }

            loss /= counted;
            SumGradients();
            sum += Update(loss);
        }

        return _lastUpdates.Count == 0 ? 0 : sum / _lastUpdates.Count;
    }

    /// <summary>Loss and accuracy on <paramref name="samples"/> (forward only, whole sequences).</summary>
    public Evaluation Evaluate(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return new Evaluation(double.NaN, double.NaN);
        }

        int steps = Prepare(samples, truncated: false, nameof(samples));
        int counted = CountTargets(samples, 0, steps);
        Dispatch(samples, 0, steps, 0f, evaluate: true);
        double loss = 0;
        long targets = 0, correct = 0;
        foreach (SequenceWorker<TModel> worker in _workers)
        {
            loss += worker.Loss;
            targets += worker.Hits.Steps;
            correct += worker.Hits.Correct;
        }

        double accuracy = Options.Loss == LossKind.MeanSquaredError || targets == 0 ? double.NaN : (double)correct / targets;
        return new Evaluation(counted == 0 ? double.NaN : loss / counted, accuracy);
    }

    /// <summary>
    /// Trains for <see cref="TrainerOptions.Epochs"/> epochs in batches of <see cref="TrainerOptions.BatchSize"/>,
    /// continuing from the position of a loaded checkpoint if any.
    /// </summary>
    public TrainingReport Fit(IReadOnlyList<Sample> training, IReadOnlyList<Sample>? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.Count == 0) throw new ArgumentException("The training set is empty.", nameof(training));
        for (int i = 0; i < training.Count; i++) SampleShape.Validate<TModel>(training[i], i, Options.Loss, Options.Scenario, nameof(training));
        if (validation is not null)
        {
            for (int i = 0; i < validation.Count; i++) SampleShape.Validate<TModel>(validation[i], i, Options.Loss, Options.Scenario, nameof(validation));
        }

        var trainingLoss = new List<double>();
        var validationLoss = new List<double>();
        double best = double.PositiveInfinity;
        float[]? bestParameters = null;
        int sinceBest = 0;
        bool stoppedEarly = false;
        int[] order = new int[training.Count];
        int epoch = _position.Epoch;
        for (; epoch < Options.Epochs && !stoppedEarly; epoch++)
        {
            Optimizer.LearningRate = _baseLearningRate * Options.Schedule.Factor(epoch, Options.Epochs);
            Shuffle(order, epoch);
            var watch = Stopwatch.StartNew();
            double lossSum = 0;
            int batches = 0, sequences = 0;
            for (int b = 0; b * Options.BatchSize < order.Length; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _batch.Clear();
                for (int i = b * Options.BatchSize; i < Math.Min(order.Length, (b + 1) * Options.BatchSize); i++)
                {
                    _batch.Add(training[order[i]]);
                }

                lossSum += TrainBatch(_batch);
                batches++;
                sequences += _batch.Count;
                if (Options.ReportEvery > 0 && batches % Options.ReportEvery == 0)
                {
                    Report(new TrainingProgress(epoch, Updates, lossSum / batches, double.NaN, sequences / watch.Elapsed.TotalSeconds, Optimizer.LearningRate, false));
                }
            }

            double epochLoss = batches == 0 ? double.NaN : lossSum / batches;
            trainingLoss.Add(epochLoss);
            double valid = double.NaN;
            if (validation is { Count: > 0 })
            {
                valid = Evaluate(validation).Loss;
                validationLoss.Add(valid);
                if (valid < best)
                {
                    best = valid;
                    sinceBest = 0;
                    bestParameters ??= new float[TModel.ParameterCount];
                    Model.Parameters.CopyTo(bestParameters, 0);
                }
                else if (Options.EarlyStoppingPatience > 0 && ++sinceBest >= Options.EarlyStoppingPatience)
                {
                    stoppedEarly = true;
                    bestParameters?.CopyTo(Model.Parameters, 0); // null when no validation loss was ever finite
                }
            }

            _position = new TrainingPosition(epoch + 1, Updates, Options.Seed);
            Report(new TrainingProgress(epoch, Updates, epochLoss, valid, sequences / watch.Elapsed.TotalSeconds, Optimizer.LearningRate, true));
            if (Options.CheckpointPath is { } path)
            {
                Checkpoint.Save(path, Model, Optimizer, _position);
            }
        }

        return new TrainingReport(trainingLoss.Count, Updates, trainingLoss, validationLoss, stoppedEarly);
    }

    /// <summary>
    /// Saves parameters, optimizer state and the position: the epochs <see cref="Fit"/> has finished and the updates
    /// made so far (<see cref="Updates"/>).
    /// </summary>
    public void SaveCheckpoint(string path) => Checkpoint.Save(path, Model, Optimizer, _position with { Step = Updates });

    /// <summary>
    /// Loads a checkpoint: parameters, optimizer state, <see cref="Updates"/>, and the epoch the next
    /// <see cref="Fit"/> starts from. Throws before changing anything if it does not fit.
    /// </summary>
    public void LoadCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckpointData data = Checkpoint.Read(path);
        if (data.Position.Seed != Options.Seed)
        {
            throw new InvalidDataException($"The checkpoint was written with seed {data.Position.Seed}, this trainer uses {Options.Seed}; resuming would not continue the same run.");
        }

        if (data.Position.Epoch < 0 || data.Position.Step < 0)
        {
            throw new InvalidDataException($"'{path}' holds an impossible position (epoch {data.Position.Epoch}, update {data.Position.Step}).");
        }

        _position = Checkpoint.Apply(data, path, TModel.Description.Name, Model.Parameters, Optimizer);
        Updates = _position.Step;
    }

    /// <inheritdoc/>
    public void Dispose() => _pool.Dispose();

    private static void Validate(TrainerOptions options)
    {
        options.Validate(); // each value is checked when set; this catches options made another way
        Activation head = TModel.Description.HeadActivation;
        bool fits = options.Loss switch
        {
            LossKind.SoftmaxCrossEntropy => head is Activation.Identity or Activation.Softmax,
            LossKind.SigmoidBinaryCrossEntropy => head is Activation.Identity or Activation.Sigmoid,
            _ => true,
        };
        if (!fits)
        {
            throw new ArgumentException($"{options.Loss} needs a head with Identity (logits) or the matching activation; {typeof(TModel).Name} has {head}.", nameof(options));
        }
    }

    /// <summary>
    /// Validates the samples and sizes the workspaces for chunks of <see cref="TrainerOptions.TruncatedSteps"/>
    /// (<paramref name="truncated"/>) or whole sequences; returns the longest sequence's steps.
    /// </summary>
    private int Prepare(IReadOnlyList<Sample> batch, bool truncated, string parameter)
    {
        ArgumentNullException.ThrowIfNull(batch, parameter);
        if (batch.Count == 0) throw new ArgumentException("The batch is empty.", parameter);
        int steps = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            SampleShape.Validate<TModel>(batch[i], i, Options.Loss, Options.Scenario, parameter);
            steps = Math.Max(steps, SampleShape.Steps<TModel>(batch[i], Options.Scenario));
        }

        int chunk = truncated && Options.TruncatedSteps > 0 ? Math.Min(Options.TruncatedSteps, steps) : steps;
        foreach (SequenceWorker<TModel> worker in _workers)
        {
            worker.Reserve(batch.Count, chunk);
        }

        return steps;
    }

    /// <summary>Sequences with at least one weighted target step in [start, start + count).</summary>
    private int CountTargets(IReadOnlyList<Sample> batch, int start, int count)
    {
        int counted = 0;
        bool lastOnly = Options.Scenario is Scenario.ManyToOne or Scenario.OneToOne;
        for (int i = 0; i < batch.Count; i++) // not foreach: an enumerator through the interface would allocate
        {
            Sample sample = batch[i];
            int length = SampleShape.Steps<TModel>(sample, Options.Scenario);
            int end = Math.Min(length, start + count);
            for (int step = lastOnly ? Math.Max(start, length - 1) : start; step < end; step++)
            {
                if ((sample.Weights?[lastOnly ? 0 : step] ?? 1f) != 0)
                {
                    counted++;
                    break;
                }
            }
        }

        return counted;
    }

    private void Dispatch(IReadOnlyList<Sample> batch, int start, int count, float scale, bool evaluate)
    {
        _job = batch;
        _jobStart = start;
        _jobCount = count;
        _jobScale = scale;
        _jobEvaluate = evaluate;
        _pool.Run(_runWorker);
        _job = [];
    }

    /// <summary>Worker w takes a contiguous slice of the batch, so the split depends only on the thread count.</summary>
    private void RunWorker(int w)
    {
        int n = _job.Count, threads = _workers.Length;
        _workers[w].Run(_job, n * w / threads, n * (w + 1) / threads, _jobStart, _jobCount, _jobScale, _jobEvaluate);
    }

    /// <summary>Adds every other worker's gradients into the model's, in worker order.</summary>
    private void SumGradients()
    {
        for (int w = 1; w < _workers.Length; w++)
        {
            TensorPrimitives.Add(Model.Gradients, _workers[w].Gradients, Model.Gradients);
        }
    }

    /// <summary>Checks, clips and applies one update; the parameters keep their last finite values on divergence.</summary>
    private double Update(double loss)
    {
        _lastUpdates.Add(_guard.Apply(loss, Updates + 1));
        Updates++;
        return loss;
    }

    /// <summary>Hands a report to <see cref="TrainerOptions.Progress"/>, then to <see cref="TrainerOptions.OnProgress"/>.</summary>
    private void Report(TrainingProgress progress)
    {
        Options.Progress?.Report(progress);
        Options.OnProgress?.Invoke(progress);
    }

    private void Shuffle(int[] order, int epoch)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (!Options.Shuffle) return;

        // A fresh generator per epoch, seeded by (seed, epoch), so a resumed run visits the same order.
        var random = new Random(unchecked((Options.Seed * 1_000_003) + epoch));
        random.Shuffle(order);
    }
}
