using GenRnn.Training;
using Xunit;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests.Training;

/// <summary>What <see cref="Trainer{TModel}.Fit"/> does around the updates: schedules, progress, validation and early stopping.</summary>
public sealed class FitTests
{
    private static readonly List<Sample> Data = ScenarioTests.CountSamples(64, seed: 101);

    [Fact]
    public void Progress_comes_every_ReportEvery_batches_and_after_every_epoch_with_the_scheduled_rate()
    {
        var reports = new List<TrainingProgress>();
        var options = new TrainerOptions
        {
            BatchSize = 8, // 8 batches per epoch
            Epochs = 4,
            ReportEvery = 3,
            Schedule = LearningRateSchedule.Step(2, 0.5),
            Progress = new ProgressCallback(reports.Add),
        };
        using var trainer = new Trainer<CountModThree>(NewModel<CountModThree>(1), new Sgd(CountModThree.ParameterCount, 0.1), options);
        TrainingReport report = trainer.Fit(Data, Data.Take(16).ToList());

        Assert.Equal(4 * 3, reports.Count); // after batches 3 and 6, then the end of the epoch
        Assert.Equal([3L, 6, 8, 11, 14, 16, 19, 22, 24, 27, 30, 32], reports.Select(r => r.Update));
        Assert.Equal([0.1, 0.1, 0.05, 0.05], reports.Where(r => r.EndOfEpoch).Select(r => r.LearningRate));
        Assert.All(reports.Where(r => !r.EndOfEpoch), r => Assert.True(double.IsNaN(r.ValidationLoss)));
        Assert.Equal(report.ValidationLoss, reports.Where(r => r.EndOfEpoch).Select(r => r.ValidationLoss));
        Assert.Equal(report.TrainingLoss, reports.Where(r => r.EndOfEpoch).Select(r => r.Loss));
        Assert.Equal(32, report.Updates);
        Assert.False(report.StoppedEarly);
    }

    [Fact]
    public void OnProgress_takes_a_lambda_called_on_the_training_thread_after_Progress_with_increasing_positions()
    {
        var calls = new List<(string Who, TrainingProgress Report, int Thread)>();
        var options = new TrainerOptions
        {
            BatchSize = 8, // 8 batches per epoch
            Epochs = 3,
            ReportEvery = 4,
            Threads = 2,   // the second worker runs on a background thread; reports still come on the caller's
            Progress = new ProgressCallback(p => calls.Add(("Progress", p, Environment.CurrentManagedThreadId))),
            OnProgress = p => calls.Add(("OnProgress", p, Environment.CurrentManagedThreadId)),
        };
        using var trainer = new Trainer<CountModThree>(NewModel<CountModThree>(1), new Sgd(CountModThree.ParameterCount, 0.1), options);
        trainer.Fit(Data);

        int trainingThread = Environment.CurrentManagedThreadId;
        Assert.All(calls, c => Assert.Equal(trainingThread, c.Thread));
        Assert.Equal(calls.Where((_, i) => i % 2 == 0).Select(c => c.Report), calls.Where((_, i) => i % 2 == 1).Select(c => c.Report));
        Assert.All(calls.Where((_, i) => i % 2 == 0), c => Assert.Equal("Progress", c.Who));
        TrainingProgress[] reports = [.. calls.Where(c => c.Who == "OnProgress").Select(c => c.Report)];

        Assert.Equal([4L, 8, 8, 12, 16, 16, 20, 24, 24], reports.Select(r => r.Update)); // never decreasing
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2], reports.Select(r => r.Epoch));          // from 0
        Assert.Equal([0, 0, 1, 1, 1, 2, 2, 2, 3], reports.Select(r => r.EpochsCompleted)); // finished epochs
        Assert.Equal([false, false, true, false, false, true, false, false, true], reports.Select(r => r.EndOfEpoch));
    }

    [Fact]
    public void Cosine_schedule_anneals_from_the_initial_rate()
    {
        var rates = new List<double>();
        var options = new TrainerOptions { Epochs = 4, BatchSize = 64, Schedule = LearningRateSchedule.Cosine(0.2), Progress = new ProgressCallback(p => rates.Add(p.LearningRate)) };
        using var trainer = new Trainer<CountModThree>(NewModel<CountModThree>(1), new Sgd(CountModThree.ParameterCount, 1), options);
        trainer.Fit(Data);
        double[] expected = [.. Enumerable.Range(0, 4).Select(e => 0.2 + 0.8 * (1 + Math.Cos(Math.PI * e / 4)) / 2)];
        Assert.Equal(expected, rates);
    }

    [Fact]
    public void Early_stopping_restores_the_parameters_of_the_best_validation_epoch()
    {
        // The validation set contradicts the training set, so its loss rises once training starts to work.
        List<Sample> validation = Data.Take(32).Select(s => s with { Classes = s.Classes!.Select(c => (c + 1) % 3).ToArray() }).ToList();
        var model = NewModel<CountModThree>(1);
        var snapshots = new List<int[]>();
        var options = new TrainerOptions { BatchSize = 8, Epochs = 50, EarlyStoppingPatience = 2, Progress = new ProgressCallback(p => snapshots.Add(Bits.Of(model.Parameters))) };
        using var trainer = new Trainer<CountModThree>(model, new Adam(CountModThree.ParameterCount, 0.02), options);
        TrainingReport report = trainer.Fit(Data, validation);

        Assert.True(report.StoppedEarly);
        Assert.True(report.Epochs < 50);
        int best = report.ValidationLoss.ToList().IndexOf(report.ValidationLoss.Min());
        Assert.Equal(report.Epochs - 1 - 2, best); // two epochs without improvement after the best
        Assert.Equal(snapshots[best], Bits.Of(model.Parameters));
    }

    [Fact]
    public void Early_stopping_without_any_finite_validation_loss_keeps_the_trained_parameters()
    {
        // Every validation target is weighted 0: the validation loss is NaN, never an improvement.
        List<Sample> validation = Data.Take(4).Select(s => s with { Weights = new float[s.Classes!.Length] }).ToList();
        var model = NewModel<CountModThree>(1);
        using var trainer = new Trainer<CountModThree>(model, new Adam(CountModThree.ParameterCount, 0.01), new TrainerOptions { Epochs = 5, EarlyStoppingPatience = 1 });
        TrainingReport report = trainer.Fit(Data, validation);
        Assert.True(report.StoppedEarly);
        Assert.Equal(1, report.Epochs);
        Assert.True(double.IsNaN(report.ValidationLoss[0]));
        Assert.Equal(4, trainer.Updates);
    }
}
