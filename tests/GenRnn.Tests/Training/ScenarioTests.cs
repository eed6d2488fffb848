using GenRnn.Training;
using Xunit;
using Xunit.Abstractions;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests.Training;

/// <summary>
/// Each input-output scenario learns a small task from a fixed seed within a few seconds, judged on held-out data
/// with the model's own forward pass (and, where it applies, the trainer's <see cref="Trainer{TModel}.Evaluate"/>).
/// </summary>
public sealed class ScenarioTests(ITestOutputHelper output)
{
    private static IEnumerable<Sample> ParitySamples()
    {
        for (int length = 2; length <= 8; length++)
        {
            for (int v = 0; v < 1 << length; v++)
            {
                int[] bits = Enumerable.Range(0, length).Select(i => (v >> i) & 1).ToArray();
                yield return Sample.FromTokens(bits, [bits.Sum() % 2 == 0 ? 1 : 0]); // 1 = YES, an even number of ones
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ManyToOne_GRU_learns_the_parity_of_bit_strings(int seed) => AssertAtLeast(0.95, Parity<ParityGru>(seed, epochs: 150));

    [Fact]
    public void ManyToOne_LSTM_learns_the_parity_of_bit_strings() => AssertAtLeast(0.95, Parity<ParityLstm>(seed: 1, epochs: 200));

    private static void AssertAtLeast(double expected, double accuracy) => Assert.True(accuracy >= expected, $"accuracy {accuracy:P2} < {expected:P0}");

    private double Parity<TModel>(int seed, int epochs) where TModel : class, IRecurrentModel<TModel>
    {
        // All 508 strings of lengths 2..8; a quarter is held out.
        (List<Sample> training, List<Sample> heldOut) = Split(ParitySamples().ToList(), 0.25, seed: 7);
        TModel model = NewModel<TModel>(seed);
        var options = new TrainerOptions { Scenario = Scenario.ManyToOne, BatchSize = 16, Epochs = epochs, Seed = seed };
        using var trainer = new Trainer<TModel>(model, new Adam(TModel.ParameterCount, 0.01), options);
        double before = ClassAccuracy(model, heldOut, Scenario.ManyToOne);
        trainer.Fit(training);

        double accuracy = ClassAccuracy(model, heldOut, Scenario.ManyToOne);
        output.WriteLine($"{typeof(TModel).Name} seed {seed}: held-out accuracy {before:P1} => {accuracy:P1} on {heldOut.Count} strings");
        Assert.Equal(accuracy, trainer.Evaluate(heldOut).Accuracy, 12);
        return accuracy;
    }

    /// <summary>Bit strings with the running count of ones mod 3 as the target at every step.</summary>
    internal static List<Sample> CountSamples(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new List<Sample>();
        for (int s = 0; s < count; s++)
        {
            int[] bits = RandomBits(random, 4, 16);
            var classes = new int[bits.Length];
            for (int t = 0, ones = 0; t < bits.Length; t++)
            {
                ones += bits[t];
                classes[t] = ones % 3;
            }

            samples.Add(Sample.FromTokens(bits, classes));
        }

        return samples;
    }

    [Fact]
    public void ManyToMany_learns_the_running_count_of_ones_mod_3() => AssertAtLeast(0.95, CountOnes(seed: 3));

    private double CountOnes(int seed)
    {
        List<Sample> training = CountSamples(400, seed: 11), heldOut = CountSamples(200, seed: 12);
        var model = NewModel<CountModThree>(seed);
        using var trainer = new Trainer<CountModThree>(model, new Adam(CountModThree.ParameterCount, 0.01), new TrainerOptions { BatchSize = 16, Epochs = 40, Seed = seed });
        trainer.Fit(training);

        double accuracy = ClassAccuracy(model, heldOut, Scenario.ManyToMany);
        output.WriteLine($"running count: per-step held-out accuracy {accuracy:P2}");
        Assert.Equal(accuracy, trainer.Evaluate(heldOut).Accuracy, 12);
        return accuracy;
    }

    /// <summary>Sequences over 4 symbols whose target is the input 2 steps earlier; the first 2 steps are masked out.</summary>
    internal static List<Sample> EchoSamples(int count, int length, int seed)
    {
        var random = new Random(seed);
        var samples = new List<Sample>();
        for (int s = 0; s < count; s++)
        {
            int[] tokens = Enumerable.Range(0, length).Select(_ => random.Next(4)).ToArray();
            int[] classes = tokens.Select((_, t) => t < 2 ? 0 : tokens[t - 2]).ToArray();
            float[] weights = tokens.Select((_, t) => t < 2 ? 0f : 1f).ToArray();
            samples.Add(Sample.FromTokens(tokens, classes, weights));
        }

        return samples;
    }

    [Fact]
    public void Truncated_BPTT_learns_to_echo_the_input_two_steps_later() => AssertAtLeast(0.95, Echo(seed: 5));

    private double Echo(int seed)
    {
        // 40-step sequences trained in chunks of 5: the state crosses chunk boundaries, the gradient does not.
        List<Sample> training = EchoSamples(120, 40, seed: 21), heldOut = EchoSamples(40, 40, seed: 22);
        var model = NewModel<EchoTwoLater>(seed);
        var options = new TrainerOptions { TruncatedSteps = 5, BatchSize = 8, Epochs = 12, Seed = seed };
        using var trainer = new Trainer<EchoTwoLater>(model, new Adam(EchoTwoLater.ParameterCount, 0.01), options);
        trainer.Fit(training);
        Assert.Equal(8, trainer.LastUpdates.Count); // one update per chunk of the last batch
        Assert.Equal(training.Count / 8 * 12 * 8, trainer.Updates);

        double accuracy = ClassAccuracy(model, heldOut, Scenario.ManyToMany);
        output.WriteLine($"echo (truncated BPTT): per-step held-out accuracy {accuracy:P2}");
        Assert.Equal(accuracy, trainer.Evaluate(heldOut).Accuracy, 12); // whole sequences, whatever the chunk size
        return accuracy;
    }

    /// <summary>From a start token, count up mod 8 for 6 steps.</summary>
    private static Sample CountUpSample(int start) => new(Tokens: [start], Classes: Enumerable.Range(1, 6).Select(k => (start + k) % 8).ToArray());

    [Fact]
    public void OneToMany_counts_up_from_a_start_token_with_teacher_forcing_and_greedy_decoding() => AssertAtLeast(0.95, CountUpFrom(seed: 4));

    private double CountUpFrom(int seed)
    {
        int[] heldOutStarts = [3, 6];
        List<Sample> training = Enumerable.Range(0, 8).Except(heldOutStarts).Select(CountUpSample).ToList();
        var model = NewModel<CountUp>(seed);
        var options = new TrainerOptions { Scenario = Scenario.OneToMany, BatchSize = 2, Epochs = 150, Seed = seed };
        using var trainer = new Trainer<CountUp>(model, new Adam(CountUp.ParameterCount, 0.01), options);
        trainer.Fit(training);

        int correct = 0, total = 0;
        foreach (int start in heldOutStarts)
        {
            var state = new float[CountUp.StateSize];
            var tokens = new int[6];
            Decoding.Greedy(model, state, start, tokens); // free running: each output is the next input
            int[] expected = CountUpSample(start).Classes!;
            correct += tokens.Zip(expected).Count(p => p.First == p.Second);
            total += tokens.Length;
            output.WriteLine($"{start}: {string.Join(" ", tokens)} (expected {string.Join(" ", expected)})");
        }

        double accuracy = (double)correct / total;
        output.WriteLine($"count up: greedy per-step accuracy on held-out start tokens {accuracy:P1}");
        return accuracy;
    }

    [Fact]
    public void EncoderDecoder_learns_to_reverse_short_sequences() => AssertAtLeast(0.90, Reverse(seed: 6));

    private double Reverse(int seed)
    {
        // Every sequence of length 3..5 over 5 symbols (3,875), 2,000 to train on and 300 held out.
        var all = new List<TranslationPair>();
        for (int length = 3; length <= 5; length++)
        {
            int count = (int)Math.Pow(5, length);
            for (int v = 0; v < count; v++)
            {
                int[] source = new int[length];
                for (int i = 0, x = v; i < length; i++, x /= 5) source[i] = x % 5;
                all.Add(new TranslationPair(source, source.Reverse().ToArray()));
            }
        }

        (List<TranslationPair> rest, List<TranslationPair> heldOut) = Split(all, 300.0 / all.Count, seed: 31);
        List<TranslationPair> training = rest.Take(2000).ToList();
        var encoder = NewModel<ReverseEncoder>(seed);
        var decoder = NewModel<ReverseDecoder>(seed + 100);
        var trainer = new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(
            encoder, decoder, new Adam(ReverseEncoder.ParameterCount, 0.01), new Adam(ReverseDecoder.ParameterCount, 0.01), startToken: 5, GradientClip.ByNorm(1));
        var random = new Random(seed);
        for (int epoch = 0; epoch < 6; epoch++)
        {
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(training));
            foreach (TranslationPair[] batch in training.Chunk(16))
            {
                trainer.TrainBatch(batch);
            }
        }

        double accuracy = trainer.Accuracy(heldOut);
        output.WriteLine($"reverse: greedy per-token accuracy on {heldOut.Count} held-out pairs {accuracy:P1}");
        return accuracy;
    }

    [Fact]
    public void OneToOne_learns_token_mod_3_exactly() => Assert.Equal(1.0, TokenModThree(seed: 9));

    private double TokenModThree(int seed)
    {
        List<Sample> all = Enumerable.Range(0, 9).Select(t => Sample.FromTokens([t], [t % 3])).ToList();
        var model = NewModel<ModThree>(seed);
        using var trainer = new Trainer<ModThree>(model, new Adam(ModThree.ParameterCount, 0.05), new TrainerOptions { Scenario = Scenario.OneToOne, BatchSize = 9, Epochs = 60, Seed = seed });
        trainer.Fit(all);

        double accuracy = ClassAccuracy(model, all, Scenario.OneToOne);
        output.WriteLine($"token mod 3: accuracy {accuracy:P0}, loss {trainer.Evaluate(all).Loss:G3}");
        return accuracy;
    }

    /// <summary>x_t = sin(0.3 t + φ); the target is x_{t+1}. The first step is masked out: one value cannot tell rising from falling.</summary>
    internal static List<Sample> SineSamples(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new List<Sample>();
        for (int s = 0; s < count; s++)
        {
            double phase = random.NextDouble() * 2 * Math.PI;
            float[] x = Enumerable.Range(0, 31).Select(t => (float)Math.Sin(0.3 * t + phase)).ToArray();
            float[] weights = Enumerable.Range(0, 30).Select(t => t == 0 ? 0f : 1f).ToArray();
            samples.Add(Sample.FromVectors(x[..30], x[1..], weights));
        }

        return samples;
    }

    [Fact]
    public void MeanSquaredError_regression_predicts_the_next_sample_of_a_sine()
    {
        double mse = NextSineMse(seed: 10);
        Assert.True(mse < 1e-3, $"held-out MSE {mse:G3}");
    }

    private double NextSineMse(int seed)
    {
        List<Sample> training = SineSamples(64, seed: 41), heldOut = SineSamples(32, seed: 42);
        var model = NewModel<NextSine>(seed);
        using var trainer = new Trainer<NextSine>(model, new Adam(NextSine.ParameterCount, 0.01), new TrainerOptions { Loss = LossKind.MeanSquaredError, BatchSize = 8, Epochs = 100, Seed = seed });
        double before = trainer.Evaluate(heldOut).Loss;
        trainer.Fit(training);

        // Independently: the mean over sequences of the mean squared error over steps 1..29.
        double sum = 0;
        foreach (Sample sample in heldOut)
        {
            var outputs = new float[30];
            model.Forward(sample.Inputs, new float[NextSine.StateSize], outputs);
            sum += Enumerable.Range(1, 29).Average(t => Math.Pow(outputs[t] - sample.Values![t], 2));
        }

        double mse = sum / heldOut.Count;
        Evaluation evaluation = trainer.Evaluate(heldOut);
        output.WriteLine($"sine: held-out MSE {before:G3} => {mse:G3}");
        Assert.Equal(mse, evaluation.Loss, 1e-6);
        Assert.True(double.IsNaN(evaluation.Accuracy));
        return mse;
    }

    /// <summary>Bits in; per step the labels [x_t, x_t XOR x_{t-1}] as 0/1 values.</summary>
    internal static List<Sample> BitLabelSamples(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new List<Sample>();
        for (int s = 0; s < count; s++)
        {
            int[] bits = RandomBits(random, 4, 12);
            var values = new float[2 * bits.Length];
            for (int t = 0; t < bits.Length; t++)
            {
                values[2 * t] = bits[t];
                values[2 * t + 1] = bits[t] ^ (t > 0 ? bits[t - 1] : 0);
            }

            samples.Add(new Sample(Tokens: bits, Values: values));
        }

        return samples;
    }

    [Fact]
    public void SigmoidBinaryCrossEntropy_learns_with_an_Identity_head() => AssertAtLeast(0.95, BinaryLabels<BitsLogits>(seed: 11, threshold: 0f));

    [Fact]
    public void SigmoidBinaryCrossEntropy_learns_with_a_Sigmoid_head() => AssertAtLeast(0.95, BinaryLabels<BitsSigmoid>(seed: 11, threshold: 0.5f));

    [Fact]
    public void SigmoidBinaryCrossEntropy_trains_a_Sigmoid_head_as_its_Identity_twin()
    {
        // Same layout, same start: the loss fused with the sigmoid gives both heads the same logit gradients.
        List<Sample> training = BitLabelSamples(64, seed: 53);
        var logits = NewModel<BitsLogits>(12);
        var probabilities = NewModel<BitsSigmoid>(12);
        Assert.Equal(logits.Parameters, probabilities.Parameters);
        var options = new TrainerOptions { Loss = LossKind.SigmoidBinaryCrossEntropy, BatchSize = 16, Epochs = 3 };
        using var a = new Trainer<BitsLogits>(logits, new Adam(BitsLogits.ParameterCount, 0.01), options);
        using var b = new Trainer<BitsSigmoid>(probabilities, new Adam(BitsSigmoid.ParameterCount, 0.01), options);
        TrainingReport ra = a.Fit(training), rb = b.Fit(training);
        for (int i = 0; i < ra.TrainingLoss.Count; i++)
        {
            Assert.Equal(ra.TrainingLoss[i], rb.TrainingLoss[i], 1e-5);
        }

        for (int i = 0; i < logits.Parameters.Length; i++)
        {
            Assert.True(Math.Abs(logits.Parameters[i] - probabilities.Parameters[i]) <= 1e-4, $"parameter {i}: {logits.Parameters[i]} vs {probabilities.Parameters[i]}");
        }
    }

    private double BinaryLabels<TModel>(int seed, float threshold) where TModel : class, IRecurrentModel<TModel>
    {
        List<Sample> training = BitLabelSamples(200, seed: 51), heldOut = BitLabelSamples(100, seed: 52);
        TModel model = NewModel<TModel>(seed);
        var options = new TrainerOptions { Loss = LossKind.SigmoidBinaryCrossEntropy, BatchSize = 16, Epochs = 30, Seed = seed };
        using var trainer = new Trainer<TModel>(model, new Adam(TModel.ParameterCount, 0.02), options);
        double before = trainer.Evaluate(heldOut).Loss;
        trainer.Fit(training);

        long correct = 0, total = 0;
        foreach (Sample sample in heldOut)
        {
            var outputs = new float[sample.Values!.Length];
            model.Forward(sample.Tokens, new float[TModel.StateSize], outputs);
            for (int i = 0; i < outputs.Length; i++)
            {
                correct += (outputs[i] >= threshold) == (sample.Values[i] >= 0.5f) ? 1 : 0;
                total++;
            }
        }

        double accuracy = (double)correct / total;
        Evaluation evaluation = trainer.Evaluate(heldOut);
        output.WriteLine($"{typeof(TModel).Name}: held-out loss {before:G3} => {evaluation.Loss:G3}, per-label accuracy {accuracy:P2}");
        Assert.Equal(accuracy, evaluation.Accuracy, 12);
        Assert.True(evaluation.Loss < 0.1, $"held-out loss {evaluation.Loss:G3}");
        return accuracy;
    }
}
