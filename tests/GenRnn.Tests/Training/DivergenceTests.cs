using GenRnn.Training;
using Xunit;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests.Training;

/// <summary>A non-finite loss, gradient or update throws and leaves the parameters as they were before that update.</summary>
public sealed class DivergenceTests
{
    private static readonly Sample[] Sines = ScenarioTests.SineSamples(8, seed: 81).ToArray();

    private static void AssertFiniteAndEqual(int[] expected, float[] parameters)
    {
        Assert.All(parameters, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(expected, Bits.Of(parameters));
    }

    [Fact]
    public void A_huge_learning_rate_throws_and_keeps_the_parameters_before_the_failing_update()
    {
        // Plain SGD at 100 on a regression: the outputs grow until the loss or gradient overflows.
        var model = NewModel<NextSine>(1);
        using var trainer = new Trainer<NextSine>(model, new Sgd(NextSine.ParameterCount, 100f), new TrainerOptions { Loss = LossKind.MeanSquaredError });
        int[] before = [];
        int calls = 0;
        Assert.Throws<TrainingDivergedException>(() =>
        {
            for (; calls < 1000; calls++)
            {
                before = Bits.Of(model.Parameters);
                trainer.TrainBatch(Sines);
            }
        });

        Assert.InRange(calls, 1, 999); // some updates succeeded first
        Assert.Equal(calls, trainer.Updates);
        AssertFiniteAndEqual(before, model.Parameters);
    }

    [Fact]
    public void An_update_that_overflows_the_parameters_is_undone()
    {
        // Finite loss and gradients (the head's bias gradient is about -20), but lr·g overflows to infinity.
        Sample[] far = Sines.Select(s => s with { Values = s.Values!.Select(_ => 10f).ToArray() }).ToArray();
        var model = NewModel<NextSine>(2);
        int[] before = Bits.Of(model.Parameters);
        using var trainer = new Trainer<NextSine>(model, new Sgd(NextSine.ParameterCount, float.MaxValue), new TrainerOptions { Loss = LossKind.MeanSquaredError });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainBatch(far));
        Assert.Contains("restored", e.Message);
        Assert.Equal(0, trainer.Updates);
        AssertFiniteAndEqual(before, model.Parameters);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_NaN_input_throws_before_the_update_and_training_can_go_on(int threads)
    {
        Sample[] batch = [.. Sines[..3], Sines[3] with { Inputs = [.. Sines[3].Inputs![..5], float.NaN, .. Sines[3].Inputs![6..]] }];
        var model = NewModel<NextSine>(3);
        int[] before = Bits.Of(model.Parameters);
        using var trainer = new Trainer<NextSine>(model, new Adam(NextSine.ParameterCount, 0.01f), new TrainerOptions { Loss = LossKind.MeanSquaredError, Threads = threads });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainBatch(batch));
        Assert.Contains("NaN", e.Message);
        AssertFiniteAndEqual(before, model.Parameters);
        Assert.Equal(0, trainer.Optimizer.StepCount); // the optimizer never saw the update

        Assert.True(double.IsFinite(trainer.TrainBatch(Sines)));
        Assert.Equal(1, trainer.Updates);
    }

    [Fact]
    public void Fit_passes_the_divergence_on_with_finite_parameters()
    {
        Sample[] training = [.. Sines, Sines[0] with { Values = [.. Sines[0].Values![..29], float.PositiveInfinity] }];
        var model = NewModel<NextSine>(4);
        using var trainer = new Trainer<NextSine>(model, new Adam(NextSine.ParameterCount, 0.01f), new TrainerOptions { Loss = LossKind.MeanSquaredError, BatchSize = 3, Epochs = 2 });
        Assert.Throws<TrainingDivergedException>(() => trainer.Fit(training));
        Assert.All(model.Parameters, p => Assert.True(float.IsFinite(p)));
    }
}
