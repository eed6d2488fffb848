using System.Diagnostics;
using GenRnn;
using GenRnn.Training;

namespace SeedTour.Experiments;

/// <summary>One run of the exploding-gradient experiment.</summary>
/// <param name="Setting">"no clipping" or "clip by norm".</param>
/// <param name="Diverged">Whether the loss became non-finite (the trainer threw <see cref="TrainingDivergedException"/>).</param>
/// <param name="Updates">Updates made (before the divergence, if any).</param>
/// <param name="FirstLoss">Mean loss of the first 10 updates.</param>
/// <param name="LastLoss">Mean loss of the last 10 updates made.</param>
/// <param name="MaxLoss">The largest batch loss seen.</param>
/// <param name="MaxGradientNorm">The largest gradient norm seen (before clipping).</param>
public sealed record ExplodingRun(string Setting, bool Diverged, long Updates, double FirstLoss, double LastLoss, double MaxLoss, double MaxGradientNorm);

/// <summary>The exploding-gradient experiment's outcome.</summary>
public sealed record ExplodingResult(ExplodingRun Unclipped, ExplodingRun Clipped, IReadOnlyList<LossCurve> Curves, int Lag, float Scale, double ClipNorm, double Seconds) : IExperimentResult
{
    /// <inheritdoc/>
    public string Name => "exploding";

    /// <inheritdoc/>
    public (string Title, string XLabel, string YLabel, bool LogY) Plot => ($"Exploding gradients: vanilla RNN, recurrent weights x{Scale}, SGD", "update", "batch MSE", true);

    /// <inheritdoc/>
    public IReadOnlyList<SummaryRow> Rows =>
    [
        new("Exploding gradients", "RNN, no clipping", "outcome", Unclipped.Diverged ? $"diverged at update {Unclipped.Updates + 1} (loss {Unclipped.MaxLoss:G2}, |g| {Unclipped.MaxGradientNorm:G2})" : $"loss {Unclipped.FirstLoss:F3} -> {Unclipped.LastLoss:F3}, max {Unclipped.MaxLoss:G3}", "diverges"),
        new("Exploding gradients", $"RNN, clip norm {ClipNorm}", "outcome", Clipped.Diverged ? $"diverged at update {Clipped.Updates + 1}" : $"{Clipped.Updates} updates, loss {Clipped.FirstLoss:F3} -> {Clipped.LastLoss:F3} (|g| up to {Clipped.MaxGradientNorm:G2})", "trains steadily"),
    ];
}

/// <summary>
/// Exploding gradients (Bengio et al. 1994; Pascanu et al. 2013): a vanilla RNN whose recurrent weights start as
/// an orthogonal matrix times <c>scale</c> &gt; 1, trained by plain SGD on the adding problem. Without clipping one
/// huge gradient throws the weights far away, the loss grows by orders of magnitude per update until it is
/// infinite and the trainer stops with <see cref="TrainingDivergedException"/>; clipping the global gradient norm
/// keeps every step bounded and training goes on steadily from the same start.
/// </summary>
public static class Exploding
{
    /// <summary>Runs the experiment.</summary>
    public static ExplodingResult Run(TourSize size, ITourProgress progress, int seed = 1)
    {
        var watch = Stopwatch.StartNew();
        const float scale = 2f;
        const double clipNorm = 1, learningRate = 0.1;
        (int lag, int updates) = size switch
        {
            TourSize.Full => (50, 1000),
            TourSize.Short => (50, 300),
            _ => (50, 40),
        };
        var (unclipped, a) = Train("no clipping", GradientClip.None, lag, updates, scale, learningRate, progress, seed);
        var (clipped, b) = Train($"clip norm {clipNorm}", GradientClip.ByNorm(clipNorm), lag, updates, scale, learningRate, progress, seed);
        return new ExplodingResult(unclipped, clipped, [a, b], lag, scale, clipNorm, watch.Elapsed.TotalSeconds);
    }

    private static (ExplodingRun, LossCurve) Train(string setting, GradientClip clip, int lag, int updates, float scale, double learningRate, ITourProgress progress, int seed)
    {
        ExplodingRnn model = Experiments.Run.NewModel<ExplodingRnn>(seed);
        ParameterTensor recurrent = ExplodingRnn.Description.Find("weight_hh_l0")!;
        for (int i = 0; i < recurrent.Length; i++)
        {
            model.Parameters[recurrent.FlatIndex(i)] *= scale;
        }

        var options = new TrainerOptions { Loss = LossKind.MeanSquaredError, Scenario = Scenario.ManyToOne, Clip = clip, Seed = seed };
        using var trainer = new Trainer<ExplodingRnn>(model, new Sgd(ExplodingRnn.ParameterCount, learningRate), options);
        IRunProgress bar = progress.Begin($"Exploding: {setting}", updates);
        var random = new Random(seed); // the same batches for both runs
        var x = new List<double>();
        var losses = new List<double>();
        double maxNorm = 0;
        bool diverged = false;
        try
        {
            for (int u = 1; u <= updates; u++)
            {
                double loss = trainer.TrainBatch(Adding.Sequences(random, 32, lag));
                maxNorm = Math.Max(maxNorm, trainer.LastUpdates[0].GradientNorm);
                x.Add(u);
                losses.Add(loss);
                bar.Report(u, loss);
            }
        }
        catch (TrainingDivergedException)
        {
            diverged = true; // the parameters keep their last finite values
        }

        var run = new ExplodingRun(
            $"{setting}",
            diverged,
            trainer.Updates,
            losses.Take(10).DefaultIfEmpty(double.NaN).Average(),
            losses.TakeLast(10).DefaultIfEmpty(double.NaN).Average(),
            losses.DefaultIfEmpty(double.NaN).Max(),
            maxNorm);
        bar.Finish(diverged ? $"diverged after {trainer.Updates} updates" : $"loss {run.FirstLoss:F3} -> {run.LastLoss:F3}");
        return (run, new LossCurve(setting, x, losses));
    }
}
