using System.Diagnostics;
using GenRnn;
using GenRnn.Training;

namespace SeedTour.Experiments;

/// <summary>
/// One variant of the experiment: its short name (Greff et al. 2016's), what it changes, and how to train it, or
/// null while the library cannot build it yet (then <see cref="Missing"/> says why).
/// </summary>
/// <param name="Name">The short name (V, NIG, ..., GRU, MUT1).</param>
/// <param name="Change">What differs from V.</param>
/// <param name="Train">Trains one seed on the task and scores it; null when not available yet.</param>
/// <param name="Missing">Why it is not available yet (null when it is).</param>
public sealed record VariantSpec(string Name, string Change, Func<VariantTask, int, VariantRun>? Train, string? Missing = null)
{
    /// <summary>A variant whose model is <typeparamref name="TModel"/>.</summary>
    public static VariantSpec Of<TModel>(string name, string change) where TModel : class, IRecurrentModel<TModel>
        => new(name, change, (task, seed) => Variants.TrainOne<TModel>(name, task, seed));

    /// <summary>A listed variant the library cannot build yet.</summary>
    public static VariantSpec NotYet(string name, string change, string missing) => new(name, change, null, missing);
}

/// <summary>The data and budget every variant gets.</summary>
/// <param name="Training">Training strings, each from a zero state (the same for every variant and seed).</param>
/// <param name="Streams">The same strings run together in streams of 20, for the continual task.</param>
/// <param name="Test">Test strings with their allowed successors.</param>
/// <param name="Epochs">Epochs of Adam (learning rate 0.01, gradient norm clipped to 1) on each task.</param>
/// <param name="Progress">Where progress goes.</param>
public sealed record VariantTask(IReadOnlyList<Sample> Training, IReadOnlyList<Sample> Streams, IReadOnlyList<(int[] Symbols, int[] Allowed)> Test, int Epochs, ITourProgress Progress);

/// <summary>One trained seed of one variant, scored on the test strings.</summary>
/// <param name="Seed">The seed of the initialisation and the shuffling.</param>
/// <param name="Parameters">The model's parameter count.</param>
/// <param name="Strings">Fraction of test strings whose every next-symbol prediction is one the grammar allows.</param>
/// <param name="Recall">Fraction of test strings whose second-to-last symbol (the T or P seen 6 to 30 steps before) is predicted.</param>
/// <param name="CrossEntropy">Mean cross-entropy of the next symbol on the test strings, nats per symbol.</param>
/// <param name="Continual">Continual task (trained on streams, tested on every test string back to back, never reset): fraction of allowed predictions.</param>
/// <param name="ContinualStrings">Continual task: fraction of the test strings read before the first wrong prediction.</param>
/// <param name="Loss">Training loss per epoch (strings task).</param>
/// <param name="Seconds">Training time of both tasks.</param>
public sealed record VariantRun(int Seed, int Parameters, double Strings, double Recall, double CrossEntropy, double Continual, double ContinualStrings, IReadOnlyList<double> Loss, double Seconds);

/// <summary>Every seed of one variant, with means and spreads.</summary>
public sealed record VariantScore(VariantSpec Spec, IReadOnlyList<VariantRun> Runs)
{
    /// <summary>The variant's name.</summary>
    public string Name => Spec.Name;

    /// <summary>Parameters of the variant's model.</summary>
    public int Parameters => Runs[0].Parameters;

    /// <summary>Mean, sample standard deviation, minimum and maximum of a figure over the seeds.</summary>
    public Spread Of(Func<VariantRun, double> figure) => Spread.Of(Runs.Select(figure).ToArray());
}

/// <summary>Mean, sample standard deviation (0 for one value), minimum and maximum.</summary>
public readonly record struct Spread(double Mean, double Std, double Min, double Max)
{
    /// <summary>The spread of <paramref name="values"/>.</summary>
    public static Spread Of(double[] values)
    {
        double mean = values.Average();
        double std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
        return new Spread(mean, std, values.Min(), values.Max());
    }

    /// <summary>As percentages: mean ± std (min-max).</summary>
    public string Percent() => $"{100 * Mean:F1}% ± {100 * Std:F1} ({100 * Min:F1}-{100 * Max:F1})";

    /// <summary>As plain numbers with three decimals.</summary>
    public string Plain() => $"{Mean:F3} ± {Std:F3} ({Min:F3}-{Max:F3})";
}

/// <summary>The variants experiment's outcome.</summary>
public sealed record VariantsResult(IReadOnlyList<VariantScore> Scores, IReadOnlyList<VariantSpec> NotAvailable, int TrainStrings, int TestStrings, int Epochs, double Seconds) : IExperimentResult
{
    /// <inheritdoc/>
    public string Name => "variants";

    /// <inheritdoc/>
    public (string Title, string XLabel, string YLabel, bool LogY) Plot => ("LSTM variants, embedded Reber grammar", "variant", "test score (%)", false);

    /// <summary>The score of one variant.</summary>
    public VariantScore this[string name] => Scores.Single(s => s.Name == name);

    /// <summary>Seeds per variant.</summary>
    public int Seeds => Scores.Count == 0 ? 0 : Scores[0].Runs.Count;

    /// <inheritdoc/>
    public IReadOnlyList<SummaryRow> Rows => Scores.Select(s => new SummaryRow(
        "LSTM variants", $"{s.Name} ({s.Spec.Change})", $"strings right, {Seeds} seeds: mean ± std (min-max)", s.Of(r => r.Strings).Percent(), Variants.Greff(s.Name))).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<LossCurve> Curves => Scores.Select(s => new LossCurve(s.Name,
        Enumerable.Range(1, s.Runs.Min(r => r.Loss.Count)).Select(e => (double)e).ToList(),
        Enumerable.Range(0, s.Runs.Min(r => r.Loss.Count)).Select(e => s.Runs.Average(r => r.Loss[e])).ToList())).ToList();
}

/// <summary>
/// "LSTM variants and tips" made measurable (Greff et al. 2016, "LSTM: A Search Space Odyssey"): every variant in
/// <see cref="All"/> is trained on the embedded Reber grammar (strings from a zero state, as in
/// <see cref="Reber"/>) with the same data, the same budget (epochs, Adam 0.01, batch 16, clip 1) and the same
/// seeds, and scored on held-out strings. Adding a variant is one line in <see cref="All"/> and its model
/// declaration (VariantModels.cs).
/// </summary>
public static class Variants
{
    /// <summary>Every variant the experiment lists, in the table's order; those without a model are reported as not available yet.</summary>
    public static IReadOnlyList<VariantSpec> All { get; } =
    [
        VariantSpec.Of<VariantV>("V", "vanilla: peepholes, all gates"),
        VariantSpec.Of<VariantNig>("NIG", "no input gate"),
        VariantSpec.Of<VariantNfg>("NFG", "no forget gate"),
        VariantSpec.Of<VariantNog>("NOG", "no output gate"),
        VariantSpec.Of<VariantNiaf>("NIAF", "no input activation"),
        VariantSpec.Of<VariantNoaf>("NOAF", "no output activation"),
        VariantSpec.Of<VariantNp>("NP", "no peepholes"),
        VariantSpec.Of<VariantCifg>("CIFG", "coupled input and forget gate"),
        VariantSpec.NotYet("FGR", "full gate recurrence", "[Lstm] has no gate-recurrence option yet"),
        VariantSpec.Of<VariantIdea>("IDEA", "the LSTM idea: no gates"),
        VariantSpec.Of<VariantGru>("GRU", "gated recurrent unit"),
        VariantSpec.NotYet("MUT1", "Jozefowicz et al. 2015", "the generator has no MUT cell yet (only the float64 reference has)"),
        VariantSpec.NotYet("MUT2", "Jozefowicz et al. 2015", "the generator has no MUT cell yet (only the float64 reference has)"),
        VariantSpec.NotYet("MUT3", "Jozefowicz et al. 2015", "the generator has no MUT cell yet (only the float64 reference has)"),
    ];

    /// <summary>What Greff et al. found for a variant (speech, handwriting and music, tuned per variant), or the literature for the others.</summary>
    public static string Greff(string name) => name switch
    {
        "V" => "baseline",
        "NFG" or "NOAF" => "clearly worse",
        "NIG" or "NOG" or "NIAF" => "worse on some data sets",
        "NP" or "CIFG" => "about V",
        "FGR" => "about V, worse on music",
        "IDEA" => "not in Greff; c only grows, so a stream saturates it",
        "GRU" => "not in Greff; about V (Chung et al. 2014)",
        _ => "",
    };

    /// <summary>Runs the experiment: every available variant, the same seeds for each.</summary>
    public static VariantsResult Run(TourSize size, ITourProgress progress, int seed = 1)
    {
        var watch = Stopwatch.StartNew();
        (int train, int test, int epochs, int seeds) = size switch
        {
            TourSize.Full => (2000, 1000, 20, 5),
            TourSize.Short => (500, 500, 8, 3),
            _ => (32, 16, 1, 2),
        };
        var random = new Random(seed);
        List<(int[] Symbols, int[] Allowed)> trainStrings = Enumerable.Range(0, train).Select(_ => Reber.Generate(random)).ToList();
        List<(int[] Symbols, int[] Allowed)> testStrings = Enumerable.Range(0, test).Select(_ => Reber.Generate(random)).ToList();
        const int perStream = 20;
        List<Sample> streams = Enumerable.Range(0, Math.Max(1, train / perStream)).Select(k =>
        {
            int[] all = trainStrings.Skip(k * perStream).Take(perStream).SelectMany(s => s.Symbols).ToArray();
            return Sample.FromTokens(all[..^1], all[1..]);
        }).ToList();
        var task = new VariantTask(trainStrings.Select(s => Sample.FromTokens(s.Symbols[..^1], s.Symbols[1..])).ToList(), streams, testStrings, epochs, progress);
        var scores = new List<VariantScore>();
        foreach (VariantSpec spec in All.Where(v => v.Train is not null))
        {
            scores.Add(new VariantScore(spec, Enumerable.Range(0, seeds).Select(k => spec.Train!(task, seed + k)).ToList()));
        }

        return new VariantsResult(scores, All.Where(v => v.Train is null).ToList(), train, test, epochs, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Trains one variant from one seed and scores it.</summary>
    internal static VariantRun TrainOne<TModel>(string name, VariantTask task, int seed) where TModel : class, IRecurrentModel<TModel>
    {
        var watch = Stopwatch.StartNew();
        IRunProgress bar = task.Progress.Begin($"Variants: {name}, seed {seed}", 2 * task.Epochs);
        TrainerOptions Options(int epochsBefore, bool continual) => new()
        {
            Loss = LossKind.SoftmaxCrossEntropy,
            Scenario = Scenario.ManyToMany,
            BatchSize = continual ? 4 : 16,
            TruncatedSteps = continual ? 50 : 0,
            Epochs = task.Epochs,
            Seed = seed,
            Clip = GradientClip.ByNorm(1),
            OnProgress = p => bar.Report(epochsBefore + p.EpochsCompleted, p.Loss),
        };

        // Strings from a zero state.
        TModel model = Experiments.Run.NewModel<TModel>(seed);
        TrainingReport report;
        using (var trainer = new Trainer<TModel>(model, new Adam(TModel.ParameterCount, 1e-2), Options(0, continual: false)))
        {
            report = trainer.Fit(task.Training);
        }

        (double strings, double recall, double crossEntropy) = Score(model, task.Test);

        // Continual: streams, truncated BPTT, the state carried across chunks and never reset in the test.
        TModel streaming = Experiments.Run.NewModel<TModel>(seed);
        using (var trainer = new Trainer<TModel>(streaming, new Adam(TModel.ParameterCount, 1e-2), Options(task.Epochs, continual: true)))
        {
            trainer.Fit(task.Streams);
        }

        (double continual, int before) = Reber.StreamScore(streaming, task.Test);
        double seconds = watch.Elapsed.TotalSeconds;
        bar.Finish($"{Experiments.Run.Percent(strings)} of strings, {crossEntropy:F3} nats; continual {Experiments.Run.Percent(continual)}, {before} strings before the first error");
        return new VariantRun(seed, TModel.ParameterCount, strings, recall, crossEntropy, continual, (double)before / task.Test.Count, report.TrainingLoss, seconds);
    }

    /// <summary>
    /// Scores a model on strings from a zero state: the fraction of strings right at every step (the arg-max is an
    /// allowed next symbol), the fraction whose second-to-last symbol is predicted, and the mean cross-entropy of
    /// the actual next symbol (nats per symbol; the grammar's own uncertainty puts a floor under it).
    /// </summary>
    public static (double Strings, double Recall, double CrossEntropy) Score<TModel>(TModel model, IReadOnlyList<(int[] Symbols, int[] Allowed)> strings)
        where TModel : class, IRecurrentModel<TModel>
    {
        long perfect = 0, recalled = 0, steps = 0;
        double crossEntropy = 0;
        Reber.ForEachString(model, strings, (symbols, allowed, outputs, n) =>
        {
            bool all = true;
            for (int t = 0; t < n; t++)
            {
                ReadOnlySpan<float> logits = outputs.AsSpan(t * TModel.OutputSize, TModel.OutputSize);
                int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
                all &= (allowed[t] & (1 << predicted)) != 0;
                if (t == n - 2) recalled += predicted == symbols[t + 1] ? 1 : 0;
                float max = System.Numerics.Tensors.TensorPrimitives.Max(logits);
                double sum = 0;
                foreach (float z in logits) sum += Math.Exp(z - max);
                crossEntropy += Math.Log(sum) - (logits[symbols[t + 1]] - max);
            }

            steps += n;
            perfect += all ? 1 : 0;
        });

        return ((double)perfect / strings.Count, (double)recalled / strings.Count, crossEntropy / steps);
    }
}
