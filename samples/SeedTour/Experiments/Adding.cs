using System.Diagnostics;
using GenRnn;
using GenRnn.Training;

namespace SeedTour.Experiments;

/// <summary>Test mean squared error of one model on the adding problem.</summary>
/// <param name="Model">The cell.</param>
/// <param name="TestMse">Mean squared error on fresh sequences (predicting 1 always gives about 0.167).</param>
/// <param name="Updates">Optimizer updates made.</param>
/// <param name="Seconds">Training time.</param>
public sealed record AddingScore(string Model, double TestMse, long Updates, double Seconds);

/// <summary>The adding problem's outcome.</summary>
public sealed record AddingResult(IReadOnlyList<AddingScore> Scores, IReadOnlyList<LossCurve> Curves, int Lag, double Seconds) : IExperimentResult
{
    /// <summary>The test error of always answering 1, the mean of the target: Var(U1 + U2) = 2/12.</summary>
    public const double TrivialMse = 1.0 / 6.0;

    /// <inheritdoc/>
    public string Name => "adding";

    /// <inheritdoc/>
    public (string Title, string XLabel, string YLabel, bool LogY) Plot => ($"Adding problem, lag {Lag} (trivial MSE {TrivialMse:F3})", "update", "training MSE", true);

    /// <summary>The score of one model.</summary>
    public AddingScore this[string model] => Scores.Single(s => s.Model == model);

    /// <inheritdoc/>
    public IReadOnlyList<SummaryRow> Rows => Scores.Select(s => new SummaryRow(
        $"Adding, lag {Lag}", s.Model, $"test MSE after {s.Updates} updates", s.TestMse.ToString("F4"), s.Model == "LSTM" ? "< 0.01" : "~0.167 (vanishing gradient)")).ToList();
}

/// <summary>
/// The adding problem (Hochreiter &amp; Schmidhuber 1997, experiment 4; Le et al. 2015): each step carries a random
/// value in [0, 1) and a marker; two steps are marked, one in each half of a sequence of <c>lag</c> steps, and the
/// target at the last step is the sum of the two marked values. Predicting 1 whatever the input gives an MSE of
/// 1/6 ≈ 0.167. The gradient that would teach a vanilla RNN to look back ~50-100 steps vanishes; the LSTM's cell
/// carries it.
/// </summary>
public static class Adding
{
    /// <summary>Runs the experiment.</summary>
    public static AddingResult Run(TourSize size, ITourProgress progress, int seed = 1)
    {
        var watch = Stopwatch.StartNew();
        (int lag, int updates, int batch) = size switch
        {
            TourSize.Full => (100, 4000, 32),
            TourSize.Short => (100, 1500, 32),
            _ => (20, 10, 8),
        };
        List<Sample> test = Sequences(new Random(seed + 1000), 1000, lag);
        var scores = new List<AddingScore>();
        var curves = new List<LossCurve>();
        foreach (var (score, curve) in new[]
        {
            Train<AddingRnn>("RNN", lag, updates, batch, test, progress, seed),
            Train<AddingLstm>("LSTM", lag, updates, batch, test, progress, seed),
        })
        {
            scores.Add(score);
            curves.Add(curve);
        }

        return new AddingResult(scores, curves, lag, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Generates adding-problem sequences: 2 floats per step (value, marker) and one target.</summary>
    public static List<Sample> Sequences(Random random, int count, int lag)
    {
        var samples = new List<Sample>(count);
        for (int n = 0; n < count; n++)
        {
            var inputs = new float[2 * lag];
            for (int t = 0; t < lag; t++)
            {
                inputs[2 * t] = random.NextSingle();
            }

            int first = random.Next(lag / 2), second = lag / 2 + random.Next(lag - lag / 2);
            inputs[2 * first + 1] = 1f;
            inputs[2 * second + 1] = 1f;
            samples.Add(Sample.FromVectors(inputs, [inputs[2 * first] + inputs[2 * second]]));
        }

        return samples;
    }

    private static (AddingScore, LossCurve) Train<TModel>(string name, int lag, int updates, int batchSize, List<Sample> test, ITourProgress progress, int seed)
        where TModel : class, IRecurrentModel<TModel>
    {
        var watch = Stopwatch.StartNew();
        TModel model = Experiments.Run.NewModel<TModel>(seed);
        var options = new TrainerOptions { Loss = LossKind.MeanSquaredError, Scenario = Scenario.ManyToOne, Clip = GradientClip.ByNorm(1), Seed = seed };
        using var trainer = new Trainer<TModel>(model, new Adam(TModel.ParameterCount, 1e-2), options);
        IRunProgress bar = progress.Begin($"Adding: {name}", updates);
        var random = new Random(seed);
        var x = new List<double>();
        var y = new List<double>();
        double smoothed = double.NaN;
        int every = Math.Max(1, updates / 200);
        for (int u = 1; u <= updates; u++)
        {
            double loss = trainer.TrainBatch(Sequences(random, batchSize, lag));
            smoothed = double.IsNaN(smoothed) ? loss : 0.95 * smoothed + 0.05 * loss;
            if (u % every == 0)
            {
                x.Add(u);
                y.Add(smoothed);
                bar.Report(u, smoothed);
            }
        }

        double mse = trainer.Evaluate(test).Loss;
        bar.Finish($"test MSE {mse:F4}");
        return (new AddingScore(name, mse, trainer.Updates, watch.Elapsed.TotalSeconds), new LossCurve(name, x, y));
    }
}
