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
        using var trainer = new Trainer<NextSine>(model, new Sgd(NextSine.ParameterCount, 100), new TrainerOptions { Loss = LossKind.MeanSquaredError });
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
        // Non-finite inputs are rejected with the samples' other checks, before the forward pass.
        Sample[] batch = [.. Sines[..3], Sines[3] with { Inputs = [.. Sines[3].Inputs![..5], float.NaN, .. Sines[3].Inputs![6..]] }];
        var model = NewModel<NextSine>(3);
        int[] before = Bits.Of(model.Parameters);
        using var trainer = new Trainer<NextSine>(model, new Adam(NextSine.ParameterCount, 0.01), new TrainerOptions { Loss = LossKind.MeanSquaredError, Threads = threads });
        var e = Assert.Throws<ArgumentException>(() => trainer.TrainBatch(batch));
        Assert.Contains("Sample 3: Inputs[5] is NaN", e.Message);
        AssertFiniteAndEqual(before, model.Parameters);
        Assert.Equal(0, trainer.Optimizer.StepCount); // the optimizer never saw the update

        Assert.True(double.IsFinite(trainer.TrainBatch(Sines)));
        Assert.Equal(1, trainer.Updates);
    }

    [Fact]
    public void Fit_passes_the_divergence_on_with_finite_parameters()
    {
        // Plain SGD at 100 on a regression, as above, through Fit.
        var model = NewModel<NextSine>(4);
        using var trainer = new Trainer<NextSine>(model, new Sgd(NextSine.ParameterCount, 100), new TrainerOptions { Loss = LossKind.MeanSquaredError, BatchSize = 3, Epochs = 1000 });
        Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Sines));
        Assert.All(model.Parameters, p => Assert.True(float.IsFinite(p)));
    }

    private static readonly TranslationPair[] Pairs = [new([0, 1, 2], [2, 1, 0]), new([3, 4, 0, 1], [1, 0, 4, 3]), new([2, 2, 4], [4, 2, 2])];

    [Fact]
    public void An_encoder_decoder_update_that_overflows_the_parameters_is_undone_in_both_models()
    {
        var encoder = NewModel<ReverseEncoder>(5);
        var decoder = NewModel<ReverseDecoder>(6);
        var encoderOptimizer = new Adam(ReverseEncoder.ParameterCount, 0.01);
        var decoderOptimizer = new Adam(ReverseDecoder.ParameterCount, 0.01);
        var trainer = new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(encoder, decoder, encoderOptimizer, decoderOptimizer, startToken: 5);
        trainer.TrainBatch(Pairs);
        trainer.TrainBatch(Pairs);

        // Loss and gradients stay finite, but Adam's step size lr / (1 - β1^t) overflows to infinity at this rate,
        // so only the decoder's update is non-finite; the encoder's (applied first) must be undone too.
        decoderOptimizer.LearningRate = float.MaxValue;
        int[] encoderBefore = Bits.Of(encoder.Parameters), decoderBefore = Bits.Of(decoder.Parameters);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainBatch(Pairs));
        Assert.Contains("Update 3", e.Message);
        Assert.Contains("restored", e.Message);
        AssertFiniteAndEqual(encoderBefore, encoder.Parameters);
        AssertFiniteAndEqual(decoderBefore, decoder.Parameters);

        decoderOptimizer.LearningRate = 0.01;
        Assert.True(double.IsFinite(trainer.TrainBatch(Pairs)));
        Assert.All(decoder.Parameters, p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void An_encoder_decoder_NaN_loss_throws_before_either_optimizer_steps()
    {
        var encoder = NewModel<ReverseEncoder>(7);
        var decoder = NewModel<ReverseDecoder>(8);
        encoder.Parameters[0] = float.NaN; // an embedding of every source's first token: the loss becomes NaN
        int[] encoderBefore = Bits.Of(encoder.Parameters), decoderBefore = Bits.Of(decoder.Parameters);
        var encoderOptimizer = new Adam(ReverseEncoder.ParameterCount, 0.01);
        var decoderOptimizer = new Adam(ReverseDecoder.ParameterCount, 0.01);
        var trainer = new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(encoder, decoder, encoderOptimizer, decoderOptimizer, startToken: 5, GradientClip.ByNorm(1));
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainBatch(Pairs));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("unchanged", e.Message);
        Assert.Equal(encoderBefore, Bits.Of(encoder.Parameters));
        Assert.Equal(decoderBefore, Bits.Of(decoder.Parameters));
        Assert.Equal(0, encoderOptimizer.StepCount);
        Assert.Equal(0, decoderOptimizer.StepCount);
    }
}
