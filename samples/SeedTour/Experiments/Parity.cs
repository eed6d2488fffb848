using System.Diagnostics;
using GenRnn;
using GenRnn.Training;

namespace SeedTour.Experiments;

/// <summary>Accuracy of one model on parity.</summary>
/// <param name="Model">The cell.</param>
/// <param name="TrainLengths">Accuracy on held-out strings of the training lengths.</param>
/// <param name="DoubleLength">Accuracy on strings twice the longest training length.</param>
/// <param name="FiveTimesLength">Accuracy on strings five times the longest training length.</param>
/// <param name="Seconds">Training time.</param>
public sealed record ParityScore(string Model, double TrainLengths, double DoubleLength, double FiveTimesLength, double Seconds);

/// <summary>The parity experiment's outcome.</summary>
public sealed record ParityResult(IReadOnlyList<ParityScore> Scores, IReadOnlyList<LossCurve> Curves, int MaxLength, double Seconds) : IExperimentResult
{
    /// <inheritdoc/>
    public string Name => "parity";

    /// <inheritdoc/>
    public (string Title, string XLabel, string YLabel, bool LogY) Plot => ($"Parity of bit strings up to length {MaxLength}", "epoch", "training cross-entropy", true);

    /// <summary>The score of one model.</summary>
    public ParityScore this[string model] => Scores.Single(s => s.Model == model);

    /// <inheritdoc/>
    public IReadOnlyList<SummaryRow> Rows => Scores.SelectMany(s => new[]
    {
        new SummaryRow("Parity", s.Model, $"accuracy, held-out lengths 1-{MaxLength}", Run.Percent(s.TrainLengths), s.Model == "LSTM" ? ">= 99%" : ""),
        new SummaryRow("Parity", s.Model, $"accuracy, length {2 * MaxLength}", Run.Percent(s.DoubleLength), s.Model == "LSTM" ? ">= 95%" : ""),
        new SummaryRow("Parity", s.Model, $"accuracy, length {5 * MaxLength}", Run.Percent(s.FiveTimesLength), ""),
    }).ToList();
}

/// <summary>
/// Parity (YES when the number of 1s is even), many-to-one: one bit per step, the answer at the last step. A vanilla
/// RNN, an LSTM and a GRU are trained on strings of lengths 1 to 20 and tested on held-out strings of those lengths
/// and on strings twice and five times as long; a model that learnt a flip-flop in its state generalises to any length.
/// </summary>
public static class Parity
{
    /// <summary>Runs the experiment.</summary>
    public static ParityResult Run(TourSize size, ITourProgress progress, int seed = 1)
    {
        var watch = Stopwatch.StartNew();
        const int maxLength = 20;
        (int train, int test, int epochs) = size switch
        {
            TourSize.Full => (4000, 2000, 40),
            TourSize.Short => (3000, 1000, 15),
            _ => (64, 32, 2),
        };
        var random = new Random(seed);
        var seen = new HashSet<string>();
        List<Sample> training = Strings(random, train, 1, maxLength, seen, requireUnseen: false);
        List<Sample> heldOut = Strings(random, test, 1, maxLength, seen, requireUnseen: true);
        List<Sample> doubled = Strings(random, test, 2 * maxLength, 2 * maxLength, seen, requireUnseen: true);
        List<Sample> fiveTimes = Strings(random, test, 5 * maxLength, 5 * maxLength, seen, requireUnseen: true);

        var scores = new List<ParityScore>();
        var curves = new List<LossCurve>();
        void Add((ParityScore Score, LossCurve Curve) r)
        {
            scores.Add(r.Score);
            curves.Add(r.Curve);
        }

        Add(Train<ParityRnn>("RNN", training, heldOut, doubled, fiveTimes, epochs, progress, seed));
        Add(Train<ParityLstm>("LSTM", training, heldOut, doubled, fiveTimes, epochs, progress, seed));
        Add(Train<ParityGru>("GRU", training, heldOut, doubled, fiveTimes, epochs, progress, seed));
        return new ParityResult(scores, curves, maxLength, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Random bit strings with lengths uniform in [min, max], the class 1 when the count of 1s is even.</summary>
    private static List<Sample> Strings(Random random, int count, int min, int max, HashSet<string> seen, bool requireUnseen)
    {
        var samples = new List<Sample>(count);
        int attempts = 0;
        while (samples.Count < count && attempts++ < 100 * count)
        {
            int length = random.Next(min, max + 1);
            var bits = new int[length];
            int ones = 0;
            for (int i = 0; i < length; i++)
            {
                bits[i] = random.Next(2);
                ones += bits[i];
            }

            string key = string.Concat(bits);
            if (requireUnseen ? seen.Contains(key) : !seen.Add(key) && length > 12)
            {
                continue; // held out means never seen in training; training keeps short repeats
            }

            samples.Add(Sample.FromTokens(bits, [ones % 2 == 0 ? 1 : 0]));
        }

        return samples;
    }

    private static (ParityScore, LossCurve) Train<TModel>(string name, List<Sample> training, List<Sample> heldOut, List<Sample> doubled, List<Sample> fiveTimes, int epochs, ITourProgress progress, int seed)
        where TModel : class, IRecurrentModel<TModel>
    {
        var watch = Stopwatch.StartNew();
        TModel model = Experiments.Run.NewModel<TModel>(seed);
        IRunProgress bar = progress.Begin($"Parity: {name}", epochs);
        var options = new TrainerOptions
        {
            Loss = LossKind.SoftmaxCrossEntropy,
            Scenario = Scenario.ManyToOne,
            BatchSize = 32,
            Epochs = epochs,
            Seed = seed,
            Clip = GradientClip.ByNorm(1),
            OnProgress = p => bar.Report(p.EpochsCompleted, p.Loss),
        };
        using var trainer = new Trainer<TModel>(model, new Adam(TModel.ParameterCount, 1e-2), options);
        TrainingReport report = trainer.Fit(training);
        double a = trainer.Evaluate(heldOut).Accuracy, b = trainer.Evaluate(doubled).Accuracy, c = trainer.Evaluate(fiveTimes).Accuracy;
        bar.Finish($"{Experiments.Run.Percent(a)} / {Experiments.Run.Percent(b)} / {Experiments.Run.Percent(c)}");
        var curve = new LossCurve(name, Enumerable.Range(1, report.TrainingLoss.Count).Select(e => (double)e).ToList(), report.TrainingLoss);
        return (new ParityScore(name, a, b, c, watch.Elapsed.TotalSeconds), curve);
    }
}
