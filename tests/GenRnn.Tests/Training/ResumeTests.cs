using GenRnn.Training;
using Xunit;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests.Training;

/// <summary>A run interrupted and resumed from its checkpoint ends where the uninterrupted run ends, bit for bit.</summary>
public sealed class ResumeTests : IDisposable
{
    private const int Epochs = 6;
    private static readonly List<Sample> Data = ScenarioTests.CountSamples(60, seed: 71); // 8 batches per epoch, the last one short
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("genrnn-resume-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    private static TrainerOptions Options(int threads, string path, LearningRateSchedule schedule, int epochs = Epochs, IProgress<TrainingProgress>? progress = null) => new()
    {
        Threads = threads,
        BatchSize = 8,
        Epochs = epochs,
        Seed = 5,
        Schedule = schedule,
        Clip = GradientClip.ByNorm(1),
        CheckpointPath = path,
        Progress = progress,
    };

    private static Trainer<CountModThree> NewTrainer(int modelSeed, TrainerOptions options) =>
        new(NewModel<CountModThree>(modelSeed), new Adam(CountModThree.ParameterCount, 0.01), options);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_interrupted_run_resumed_from_its_checkpoint_ends_bit_identical(int threads)
    {
        string whole = PathOf("whole.ckpt"), interrupted = PathOf("interrupted.ckpt");
        LearningRateSchedule cosine = LearningRateSchedule.Cosine(0.1); // depends on the epoch and the run's length

        using Trainer<CountModThree> reference = NewTrainer(2, Options(threads, whole, cosine));
        TrainingReport referenceReport = reference.Fit(Data);

        // Stopped by cancellation right after epoch 3's checkpoint, in the middle of the run.
        using var cancel = new CancellationTokenSource();
        var stopAfterHalf = new ProgressCallback(p =>
        {
            if (p.EndOfEpoch && p.Epoch == Epochs / 2 - 1) cancel.Cancel();
        });
        using (Trainer<CountModThree> first = NewTrainer(2, Options(threads, interrupted, cosine, progress: stopAfterHalf)))
        {
            Assert.Throws<OperationCanceledException>(() => first.Fit(Data, cancellationToken: cancel.Token));
        }

        // A new process: another model, a fresh optimizer and trainer, then the checkpoint.
        using Trainer<CountModThree> resumed = NewTrainer(99, Options(threads, interrupted, cosine));
        resumed.LoadCheckpoint(interrupted);
        Assert.Equal(Epochs / 2 * 8, resumed.Updates);
        TrainingReport resumedReport = resumed.Fit(Data);

        Assert.Equal(Bits.Of(reference.Model.Parameters), Bits.Of(resumed.Model.Parameters));
        Assert.Equal(Epochs / 2, resumedReport.Epochs);
        Assert.Equal(referenceReport.TrainingLoss.Skip(Epochs / 2), resumedReport.TrainingLoss);
        Assert.Equal(referenceReport.Updates, resumedReport.Updates);
        Assert.Equal(reference.Optimizer.ExportState().Buffers.Select(b => Bits.Of(b.Data)), resumed.Optimizer.ExportState().Buffers.Select(b => Bits.Of(b.Data)));
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(interrupted));

        Assert.Equal(0, resumed.Fit(Data).Epochs); // the run is complete
    }

    [Fact]
    public void A_run_of_half_the_epochs_continued_to_the_end_ends_bit_identical()
    {
        string whole = PathOf("whole.ckpt"), half = PathOf("half.ckpt");
        LearningRateSchedule step = LearningRateSchedule.Step(2, 0.5); // depends on the epoch only

        using Trainer<CountModThree> reference = NewTrainer(2, Options(1, whole, step));
        reference.Fit(Data);

        using (Trainer<CountModThree> first = NewTrainer(2, Options(1, half, step, epochs: Epochs / 2)))
        {
            Assert.Equal(Epochs / 2, first.Fit(Data).Epochs);
        }

        using Trainer<CountModThree> second = NewTrainer(3, Options(1, half, step));
        second.LoadCheckpoint(half);
        second.Fit(Data);
        Assert.Equal(Bits.Of(reference.Model.Parameters), Bits.Of(second.Model.Parameters));
        Assert.Equal(reference.Updates, second.Updates);
    }

    [Fact]
    public void SaveCheckpoint_records_the_updates_and_the_finished_epochs()
    {
        string path = PathOf("manual.ckpt");
        using Trainer<CountModThree> trainer = NewTrainer(2, Options(1, PathOf("unused.ckpt"), LearningRateSchedule.Constant, epochs: 1));
        trainer.Fit(Data);
        trainer.TrainBatch(Data.Take(8).ToArray());
        trainer.SaveCheckpoint(path);
        TrainingPosition position = Checkpoint.Read(path).Position;
        Assert.Equal(1, position.Epoch);
        Assert.Equal(9, position.Step);
        Assert.Equal(5, position.Seed);
    }

    public static TheoryData<string> Damages => new() { "flipped byte", "truncated", "other seed", "other model", "other optimizer", "empty" };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_or_unfitting_checkpoint_throws_and_changes_nothing(string damage)
    {
        string path = PathOf("damaged.ckpt");
        using (Trainer<CountModThree> writer = NewTrainer(2, Options(1, path, LearningRateSchedule.Constant, epochs: 2)))
        {
            writer.Fit(Data);
        }

        byte[] file = File.ReadAllBytes(path);
        IOptimizer optimizer = new Adam(CountModThree.ParameterCount, 0.01);
        switch (damage)
        {
            case "flipped byte":
                file[file.Length / 2] ^= 0x04;
                File.WriteAllBytes(path, file);
                break;
            case "truncated":
                File.WriteAllBytes(path, file[..(file.Length - 10)]);
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "other seed":
                CheckpointData data = Checkpoint.Read(path);
                Checkpoint.Save(path, data with { Position = data.Position with { Seed = 6 } });
                break;
            case "other model":
                var fake = FakeModel.Create();
                Checkpoint.Save(path, fake, new Adam(FakeModel.ParameterCount), new TrainingPosition(1, 1, 5));
                break;
            case "other optimizer":
                optimizer = new Adam(CountModThree.ParameterCount, 0.01, amsGrad: true);
                break;
        }

        var model = NewModel<CountModThree>(8);
        int[] before = Bits.Of(model.Parameters);
        using var trainer = new Trainer<CountModThree>(model, optimizer, Options(1, PathOf("next.ckpt"), LearningRateSchedule.Constant, epochs: 2));
        Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(path));

        Assert.Equal(before, Bits.Of(model.Parameters));
        Assert.Equal(0, optimizer.StepCount);
        Assert.All(optimizer.ExportState().Buffers, b => Assert.All(b.Data, x => Assert.Equal(0f, x)));
        Assert.Equal(0, trainer.Updates);
        Assert.Equal(2, trainer.Fit(Data).Epochs); // still at the start
    }
}
