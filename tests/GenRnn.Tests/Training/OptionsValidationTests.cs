using GenRnn.Training;
using Xunit;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests.Training;

/// <summary>
/// Every trainer option, clipping setting and optimizer hyperparameter is checked up front: an out-of-range value
/// throws an ArgumentException-family error naming the property or parameter, and nothing changes.
/// </summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, string> BadOptions => new()
    {
        { "Epochs -1", nameof(TrainerOptions.Epochs) },
        { "Epochs MinValue", nameof(TrainerOptions.Epochs) },
        { "BatchSize 0", nameof(TrainerOptions.BatchSize) },
        { "BatchSize -3", nameof(TrainerOptions.BatchSize) },
        { "Threads 0", nameof(TrainerOptions.Threads) },
        { "Threads -1", nameof(TrainerOptions.Threads) },
        { "TruncatedSteps -1", nameof(TrainerOptions.TruncatedSteps) },
        { "EarlyStoppingPatience -1", nameof(TrainerOptions.EarlyStoppingPatience) },
        { "ReportEvery -1", nameof(TrainerOptions.ReportEvery) },
        { "Schedule null", nameof(TrainerOptions.Schedule) },
        { "Loss 7", nameof(TrainerOptions.Loss) },
        { "Loss -1", nameof(TrainerOptions.Loss) },
        { "Scenario 4", nameof(TrainerOptions.Scenario) },
        { "Clip mode 9", nameof(TrainerOptions.Clip) },
        { "Clip norm 0 by with", nameof(TrainerOptions.Clip) },
        { "Clip value -1 by with", nameof(TrainerOptions.Clip) },
        { "Clip norm NaN by with", nameof(TrainerOptions.Clip) },
        { "CheckpointPath empty", nameof(TrainerOptions.CheckpointPath) },
        { "CheckpointPath blank", nameof(TrainerOptions.CheckpointPath) },
    };

    private static TrainerOptions Make(string problem, TrainerOptions start) => problem switch
    {
        "Epochs -1" => start with { Epochs = -1 },
        "Epochs MinValue" => start with { Epochs = int.MinValue },
        "BatchSize 0" => start with { BatchSize = 0 },
        "BatchSize -3" => start with { BatchSize = -3 },
        "Threads 0" => start with { Threads = 0 },
        "Threads -1" => start with { Threads = -1 },
        "TruncatedSteps -1" => start with { TruncatedSteps = -1 },
        "EarlyStoppingPatience -1" => start with { EarlyStoppingPatience = -1 },
        "ReportEvery -1" => start with { ReportEvery = -1 },
        "Schedule null" => start with { Schedule = null! },
        "Loss 7" => start with { Loss = (LossKind)7 },
        "Loss -1" => start with { Loss = (LossKind)(-1) },
        "Scenario 4" => start with { Scenario = (Scenario)4 },
        "Clip mode 9" => start with { Clip = GradientClip.None with { Mode = (ClipMode)9 } },
        "Clip norm 0 by with" => start with { Clip = GradientClip.ByNorm(1) with { Max = 0 } },
        "Clip value -1 by with" => start with { Clip = GradientClip.ByValue(1) with { Max = -1 } },
        "Clip norm NaN by with" => start with { Clip = GradientClip.ByNorm(1) with { Max = double.NaN } },
        "CheckpointPath empty" => start with { CheckpointPath = "" },
        "CheckpointPath blank" => start with { CheckpointPath = "  " },
        _ => throw new ArgumentException(problem),
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_option_throws_naming_the_property_and_leaves_the_options_unchanged(string problem, string property)
    {
        var options = new TrainerOptions { Epochs = 3, BatchSize = 4, Clip = GradientClip.ByNorm(2) };
        TrainerOptions copy = options with { };
        var e = Assert.ThrowsAny<ArgumentException>(() => Make(problem, options));
        Assert.Equal(property, e.ParamName);
        Assert.Equal(copy, options);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void An_object_initializer_with_a_bad_option_throws_too(string problem, string property)
    {
        // The same values through an object initializer (init accessors run there as in 'with').
        var e = Assert.ThrowsAny<ArgumentException>(() => Make(problem, new TrainerOptions()));
        Assert.Equal(property, e.ParamName);
    }

    [Fact]
    public void Boundary_values_are_accepted()
    {
        var options = new TrainerOptions
        {
            Epochs = 0, BatchSize = 1, Threads = 1, TruncatedSteps = 0, EarlyStoppingPatience = 0, ReportEvery = 0,
            Seed = int.MinValue, Clip = GradientClip.ByNorm(double.PositiveInfinity), CheckpointPath = null,
            Loss = LossKind.MeanSquaredError, Scenario = Scenario.OneToOne,
        };
        Assert.Equal(0, options.Epochs);
        Assert.Equal(ClipMode.Norm, options.Clip.Mode);
        Assert.Equal(ClipMode.None, (options with { Clip = GradientClip.None }).Clip.Mode);
        Assert.Equal(0, (options with { Clip = new GradientClip(ClipMode.None, 0) }).Clip.Max);
    }

    [Fact]
    public void Zero_epochs_fits_nothing_and_changes_nothing()
    {
        var model = NewModel<CountModThree>(1);
        int[] before = Bits.Of(model.Parameters);
        var optimizer = new Adam(CountModThree.ParameterCount, 0.01);
        using var trainer = new Trainer<CountModThree>(model, optimizer, new TrainerOptions { Epochs = 0 });
        TrainingReport report = trainer.Fit(ScenarioTests.CountSamples(4, 5).ToArray());
        Assert.Equal(0, report.Epochs);
        Assert.Equal(0, trainer.Updates);
        Assert.Equal(before, Bits.Of(model.Parameters));
        Assert.Equal(0, optimizer.StepCount);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void Clip_factories_reject_a_threshold_that_is_not_positive(float max)
    {
        Assert.Equal("max", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClip.ByNorm(max)).ParamName);
        Assert.Equal("max", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClip.ByValue(max)).ParamName);
        Assert.Equal("max", Assert.Throws<ArgumentOutOfRangeException>(() => new GradientClip(ClipMode.Norm, max)).ParamName);
        Assert.Equal("max", Assert.Throws<ArgumentOutOfRangeException>(() => new GradientClip(ClipMode.Value, max)).ParamName);
    }

    [Fact]
    public void Clip_constructor_rejects_an_undefined_mode()
    {
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => new GradientClip((ClipMode)3, 1f)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => new GradientClip((ClipMode)(-1), 1f)).ParamName);
    }

    [Fact]
    public void Trainer_rejects_a_loss_that_does_not_fit_the_head_or_an_optimizer_of_another_size_before_changing_anything()
    {
        var model = NewModel<BitsSigmoid>(2);
        int[] before = Bits.Of(model.Parameters);
        var optimizer = new Sgd(BitsSigmoid.ParameterCount, 0.1);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new Trainer<BitsSigmoid>(model, optimizer, new TrainerOptions { Loss = LossKind.SoftmaxCrossEntropy })).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentException>(() => new Trainer<BitsSigmoid>(model, new Sgd(BitsSigmoid.ParameterCount + 1, 0.1))).ParamName);
        Assert.Equal(before, Bits.Of(model.Parameters));
        Assert.Equal(0.1, optimizer.LearningRate);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-2f)]
    [InlineData(float.NaN)]
    public void Encoder_decoder_trainer_rejects_a_bad_clip_before_changing_anything(float max)
    {
        var encoder = NewModel<ReverseEncoder>(3);
        var decoder = NewModel<ReverseDecoder>(4);
        int[] encoderBefore = Bits.Of(encoder.Parameters), decoderBefore = Bits.Of(decoder.Parameters);
        var encoderOptimizer = new Adam(ReverseEncoder.ParameterCount, 0.01);
        var decoderOptimizer = new Adam(ReverseDecoder.ParameterCount, 0.01);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(
            encoder, decoder, encoderOptimizer, decoderOptimizer, startToken: 5, GradientClip.ByNorm(1) with { Max = max }));
        Assert.Equal("clip", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(
            encoder, decoder, encoderOptimizer, decoderOptimizer, startToken: 5, GradientClip.None with { Mode = (ClipMode)5 }));
        Assert.Equal("clip", e.ParamName);
        Assert.Equal(encoderBefore, Bits.Of(encoder.Parameters));
        Assert.Equal(decoderBefore, Bits.Of(decoder.Parameters));
        Assert.Equal(0, encoderOptimizer.StepCount);
    }

    public static TheoryData<string, string> BadHyperparameters => new()
    {
        { "Sgd lr NaN", "learningRate" }, { "Sgd lr +Inf", "learningRate" }, { "Sgd lr -1", "learningRate" },
        { "Sgd momentum NaN", "momentum" }, { "Sgd momentum +Inf", "momentum" },
        { "Sgd dampening NaN", "dampening" }, { "Sgd dampening -0.1", "dampening" },
        { "Sgd weightDecay NaN", "weightDecay" }, { "Sgd weightDecay +Inf", "weightDecay" }, { "Sgd weightDecay -1", "weightDecay" },
        { "Adam lr -Inf", "learningRate" }, { "Adam lr +Inf", "learningRate" },
        { "Adam beta1 NaN", "beta1" }, { "Adam beta1 -0.1", "beta1" }, { "Adam beta2 NaN", "beta2" }, { "Adam beta2 1", "beta2" },
        { "Adam epsilon +Inf", "epsilon" }, { "Adam epsilon -1e-8", "epsilon" },
        { "Adam weightDecay NaN", "weightDecay" }, { "Adam weightDecay -1", "weightDecay" },
        { "RMSprop lr NaN", "learningRate" }, { "RMSprop alpha NaN", "alpha" }, { "RMSprop alpha -0.5", "alpha" },
        { "RMSprop epsilon NaN", "epsilon" }, { "RMSprop epsilon -1", "epsilon" },
        { "RMSprop weightDecay +Inf", "weightDecay" }, { "RMSprop momentum NaN", "momentum" }, { "RMSprop momentum -1", "momentum" },
        { "RMSprop momentum +Inf", "momentum" },
        { "Step size 0", "stepSize" }, { "Step gamma NaN", "gamma" }, { "Step gamma 0", "gamma" }, { "Step gamma 2", "gamma" },
        { "Cosine minimum NaN", "minimumFactor" }, { "Cosine minimum -0.5", "minimumFactor" },
    };

    [Theory]
    [MemberData(nameof(BadHyperparameters))]
    public void A_bad_optimizer_or_schedule_hyperparameter_throws_naming_it(string problem, string parameter)
    {
        Func<object> make = problem switch
        {
            "Sgd lr NaN" => () => new Sgd(3, double.NaN),
            "Sgd lr +Inf" => () => new Sgd(3, double.PositiveInfinity),
            "Sgd lr -1" => () => new Sgd(3, -1),
            "Sgd momentum NaN" => () => new Sgd(3, momentum: double.NaN),
            "Sgd momentum +Inf" => () => new Sgd(3, momentum: double.PositiveInfinity),
            "Sgd dampening NaN" => () => new Sgd(3, momentum: 0.9, dampening: double.NaN),
            "Sgd dampening -0.1" => () => new Sgd(3, momentum: 0.9, dampening: -0.1),
            "Sgd weightDecay NaN" => () => new Sgd(3, weightDecay: double.NaN),
            "Sgd weightDecay +Inf" => () => new Sgd(3, weightDecay: double.PositiveInfinity),
            "Sgd weightDecay -1" => () => new Sgd(3, weightDecay: -1),
            "Adam lr -Inf" => () => new Adam(3, double.NegativeInfinity),
            "Adam lr +Inf" => () => new Adam(3, double.PositiveInfinity),
            "Adam beta1 NaN" => () => new Adam(3, beta1: double.NaN),
            "Adam beta1 -0.1" => () => new Adam(3, beta1: -0.1),
            "Adam beta2 NaN" => () => new Adam(3, beta2: double.NaN),
            "Adam beta2 1" => () => new Adam(3, beta2: 1),
            "Adam epsilon +Inf" => () => new Adam(3, epsilon: double.PositiveInfinity),
            "Adam epsilon -1e-8" => () => new Adam(3, epsilon: -1e-8),
            "Adam weightDecay NaN" => () => new Adam(3, weightDecay: double.NaN),
            "Adam weightDecay -1" => () => new Adam(3, weightDecay: -1),
            "RMSprop lr NaN" => () => new RMSprop(3, double.NaN),
            "RMSprop alpha NaN" => () => new RMSprop(3, alpha: double.NaN),
            "RMSprop alpha -0.5" => () => new RMSprop(3, alpha: -0.5),
            "RMSprop epsilon NaN" => () => new RMSprop(3, epsilon: double.NaN),
            "RMSprop epsilon -1" => () => new RMSprop(3, epsilon: -1),
            "RMSprop weightDecay +Inf" => () => new RMSprop(3, weightDecay: double.PositiveInfinity),
            "RMSprop momentum NaN" => () => new RMSprop(3, momentum: double.NaN),
            "RMSprop momentum -1" => () => new RMSprop(3, momentum: -1),
            "RMSprop momentum +Inf" => () => new RMSprop(3, momentum: double.PositiveInfinity),
            "Step size 0" => () => LearningRateSchedule.Step(0, 0.5),
            "Step gamma NaN" => () => LearningRateSchedule.Step(2, double.NaN),
            "Step gamma 0" => () => LearningRateSchedule.Step(2, 0),
            "Step gamma 2" => () => LearningRateSchedule.Step(2, 2),
            "Cosine minimum NaN" => () => LearningRateSchedule.Cosine(double.NaN),
            "Cosine minimum -0.5" => () => LearningRateSchedule.Cosine(-0.5),
            _ => throw new ArgumentException(problem),
        };
        Assert.Equal(parameter, Assert.ThrowsAny<ArgumentException>(make).ParamName);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-0.5f)]
    public void Setting_a_bad_learning_rate_throws_and_keeps_the_old_one(float rate)
    {
        foreach (Optimizer optimizer in new Optimizer[] { new Sgd(3, 0.5), new Adam(3, 0.5), new RMSprop(3, 0.5) })
        {
            Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = rate).ParamName);
            Assert.Equal(0.5, optimizer.LearningRate);
        }
    }
}
