using GenRnn.Training;
using Xunit;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests.Training;

/// <summary>
/// A sample that does not fit the model, loss or scenario throws an ArgumentException naming the argument and the
/// sample's index, before anything changes.
/// </summary>
public sealed class SampleValidationTests
{
    public static TheoryData<string> Cases => new()
    {
        "null sample", "both inputs and tokens", "neither inputs nor tokens", "no steps", "inputs not a multiple of InputSize",
        "token too large", "negative token", "class too large", "negative class", "fewer classes than steps", "more classes than steps",
        "many-to-one with a class per step", "one-to-one with two steps", "one-to-many with two input steps", "one-to-many without targets",
        "one-to-many class outside the vocabulary", "one-to-many tokens with values", "one-to-many vectors of the wrong size",
        "values for cross-entropy", "classes for squared error", "values not a multiple of OutputSize", "too few values",
        "binary target above 1", "binary target NaN", "weights of the wrong length", "negative weight", "infinite weight", "NaN weight",
    };

    private static readonly TrainerOptions ManyToMany = new();
    private static readonly TrainerOptions ManyToOne = new() { Scenario = Scenario.ManyToOne };
    private static readonly TrainerOptions OneToOne = new() { Scenario = Scenario.OneToOne };
    private static readonly TrainerOptions OneToMany = new() { Scenario = Scenario.OneToMany };
    private static readonly TrainerOptions Squared = new() { Loss = LossKind.MeanSquaredError };
    private static readonly TrainerOptions Binary = new() { Loss = LossKind.SigmoidBinaryCrossEntropy };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_sample_throws_naming_the_argument_and_the_sample(string problem)
    {
        Sample counted = Sample.FromTokens([0, 1, 1], [0, 1, 2]); // CountModThree: 2 tokens, 3 classes
        switch (problem)
        {
            case "null sample": Check<CountModThree>(ManyToMany, counted, null!, "is null"); break;
            case "both inputs and tokens": Check<CountModThree>(ManyToMany, counted, new Sample(Inputs: [1, 0], Tokens: [0], Classes: [0]), "exactly one of Inputs and Tokens"); break;
            case "neither inputs nor tokens": Check<CountModThree>(ManyToMany, counted, new Sample(Classes: [0]), "exactly one of Inputs and Tokens"); break;
            case "no steps": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([], []), "no steps"); break;
            case "inputs not a multiple of InputSize": Check<CountModThree>(ManyToMany, counted, Sample.FromVectors([1, 0, 1], [0, 0]), "multiple of InputSize"); break;
            case "token too large": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([0, 2], [0, 0]), "token 2"); break;
            case "negative token": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([-1, 0], [0, 0]), "token -1"); break;
            case "class too large": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([0, 1], [0, 3]), "class 3"); break;
            case "negative class": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([0, 1], [-1, 0]), "class -1"); break;
            case "fewer classes than steps": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([0, 1, 1], [0, 1]), "needs 3 target step(s), got 2"); break;
            case "more classes than steps": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([0], [0, 1]), "needs 1 target step(s), got 2"); break;
            case "many-to-one with a class per step": Check<CountModThree>(ManyToOne, Sample.FromTokens([0, 1], [1]), Sample.FromTokens([0, 1], [0, 1]), "ManyToOne needs 1 target step(s)"); break;
            case "one-to-one with two steps": Check<CountModThree>(OneToOne, Sample.FromTokens([1], [1]), Sample.FromTokens([0, 1], [1]), "OneToOne takes one input step, got 2"); break;
            case "one-to-many with two input steps": Check<CountModThree>(OneToMany, Sample.FromTokens([1], [0, 1]), Sample.FromTokens([0, 1], [0, 1]), "OneToMany takes one input step, got 2"); break;
            case "one-to-many without targets": Check<CountModThree>(OneToMany, Sample.FromTokens([1], [0, 1]), Sample.FromTokens([1], []), "no target steps"); break;
            case "one-to-many class outside the vocabulary": Check<CountModThree>(OneToMany, Sample.FromTokens([1], [0, 1]), Sample.FromTokens([1], [2, 0]), "outside the vocabulary"); break;
            case "one-to-many tokens with values": Check<BitsLogits>(Binary with { Scenario = Scenario.OneToMany }, new Sample(Inputs: [1, 0], Values: [0, 1, 1, 0]), new Sample(Tokens: [1], Values: [0, 1]), "needs softmax cross-entropy"); break;
            case "one-to-many vectors of the wrong size": Check<CountModThree>(OneToMany, Sample.FromTokens([1], [0, 1]), Sample.FromVectors([1, 0], [0, 1]), "InputSize (2) must equal OutputSize (3)"); break;
            case "values for cross-entropy": Check<CountModThree>(ManyToMany, counted, new Sample(Tokens: [0], Values: [0, 0, 1]), "needs Classes"); break;
            case "classes for squared error": Check<NextSine>(Squared, Sample.FromVectors([0.1f, 0.2f], [0.2f, 0.3f]), Sample.FromVectors([0.1f, 0.2f], [0, 0]), "needs Values"); break;
            case "values not a multiple of OutputSize": Check<BitsLogits>(Binary, new Sample(Tokens: [1], Values: [0, 1]), new Sample(Tokens: [1], Values: [0, 1, 1]), "multiple of OutputSize"); break;
            case "too few values": Check<NextSine>(Squared, Sample.FromVectors([0.1f, 0.2f], [0.2f, 0.3f]), Sample.FromVectors([0.1f, 0.2f], [0.2f]), "needs 2 target step(s), got 1"); break;
            case "binary target above 1": Check<BitsLogits>(Binary, new Sample(Tokens: [1], Values: [0, 1]), new Sample(Tokens: [1, 0], Values: [0, 1, 2, 0]), "[0, 1], got 2"); break;
            case "binary target NaN": Check<BitsSigmoid>(Binary, new Sample(Tokens: [1], Values: [0, 1]), new Sample(Tokens: [1], Values: [float.NaN, 1]), "[0, 1], got NaN"); break;
            case "weights of the wrong length": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([0, 1], [0, 1], [1]), "Weights hold 1 values"); break;
            case "negative weight": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([0, 1], [0, 1], [1, -1]), "non-negative"); break;
            case "infinite weight": Check<CountModThree>(ManyToOne, Sample.FromTokens([0, 1], [1]), Sample.FromTokens([0, 1], [1], [float.PositiveInfinity]), "finite"); break;
            case "NaN weight": Check<CountModThree>(ManyToMany, counted, Sample.FromTokens([0, 1], [0, 1], [1, float.NaN]), "finite"); break;
            default: throw new ArgumentException(problem);
        }
    }

    /// <summary>Every entry point rejects <paramref name="bad"/> at its index, with one and two threads, and nothing changes.</summary>
    private static void Check<TModel>(TrainerOptions options, Sample good, Sample bad, string fragment) where TModel : class, IRecurrentModel<TModel>
    {
        foreach (int threads in new[] { 1, 2 })
        {
            var model = NewModel<TModel>(1);
            int[] before = Bits.Of(model.Parameters);
            var optimizer = new Adam(TModel.ParameterCount, 0.01);
            using var trainer = new Trainer<TModel>(model, optimizer, options with { Threads = threads, Epochs = 1 });

            trainer.TrainBatch([good]); // the good sample fits
            model.Parameters.AsSpan().Fill(0.25f);
            before = Bits.Of(model.Parameters);

            Expect("batch", 2, () => trainer.TrainBatch([good, good, bad]));
            Expect("samples", 1, () => trainer.Evaluate([good, bad]));
            Expect("training", 0, () => trainer.Fit([bad, good]));
            Expect("validation", 1, () => trainer.Fit([good], [good, bad]));
            Assert.Equal(before, Bits.Of(model.Parameters));
            Assert.Equal(1, trainer.Updates);
            Assert.Equal(1, optimizer.StepCount);
        }

        void Expect(string parameter, int index, Action call)
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Equal(parameter, e.ParamName);
            Assert.StartsWith($"Sample {index}: ", e.Message);
            Assert.Contains(fragment, e.Message);
        }
    }

    [Fact]
    public void Empty_and_null_batches_throw()
    {
        using var trainer = new Trainer<CountModThree>(NewModel<CountModThree>(1), new Adam(CountModThree.ParameterCount));
        Assert.Equal("batch", Assert.Throws<ArgumentNullException>(() => trainer.TrainBatch(null!)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentException>(() => trainer.TrainBatch([])).ParamName);
        Assert.Equal("training", Assert.Throws<ArgumentException>(() => trainer.Fit([])).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentNullException>(() => trainer.Evaluate(null!)).ParamName);
        Assert.True(double.IsNaN(trainer.Evaluate([]).Loss));
    }

    [Fact]
    public void The_encoder_decoder_trainer_names_the_argument_and_the_pair()
    {
        var trainer = new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(
            NewModel<ReverseEncoder>(1), NewModel<ReverseDecoder>(2), new Adam(ReverseEncoder.ParameterCount), new Adam(ReverseDecoder.ParameterCount), startToken: 5);
        var good = new TranslationPair([0, 1, 2], [2, 1, 0]);
        var e = Assert.Throws<ArgumentException>(() => trainer.TrainBatch([good, new TranslationPair([0, 5], [1, 0])]));
        Assert.Equal("batch", e.ParamName);
        Assert.StartsWith("Pair 1: source token 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.Accuracy([good, good, new TranslationPair([0], [5])]));
        Assert.Equal("pairs", e.ParamName);
        Assert.StartsWith("Pair 2: target token 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.TrainBatch([new TranslationPair([], [1])]));
        Assert.StartsWith("Pair 0:", e.Message);
    }
}
