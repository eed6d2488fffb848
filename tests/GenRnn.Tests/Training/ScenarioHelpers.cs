using System.Numerics.Tensors;
using GenRnn.Training;

namespace GenRnn.Tests.Training;

/// <summary>Data and measurements shared by the scenario tests, independent of the trainer's own evaluation.</summary>
internal static class ScenarioHelpers
{
    /// <summary>A model with <see cref="ParameterInitializer.Recommended"/> parameters.</summary>
    public static TModel NewModel<TModel>(int seed) where TModel : class, IRecurrentModel<TModel>
    {
        var model = TModel.Create();
        ParameterInitializer.Recommended(TModel.Description, model.Parameters, seed);
        return model;
    }

    /// <summary>Splits <paramref name="items"/> at random (seeded) into a training part and a held-out part.</summary>
    public static (List<T> Training, List<T> HeldOut) Split<T>(IReadOnlyList<T> items, double heldOutFraction, int seed)
    {
        T[] shuffled = items.ToArray();
        new Random(seed).Shuffle(shuffled);
        int heldOut = (int)Math.Round(items.Count * heldOutFraction);
        return (shuffled[heldOut..].ToList(), shuffled[..heldOut].ToList());
    }

    /// <summary>
    /// Fraction of weighted target steps whose arg-max output is the target class, computed with the model's own
    /// forward pass from a zero state (many-to-many: every step; many-to-one and one-to-one: the last step).
    /// </summary>
    public static double ClassAccuracy<TModel>(TModel model, IEnumerable<Sample> samples, Scenario scenario) where TModel : class, IRecurrentModel<TModel>
    {
        long correct = 0, total = 0;
        foreach (Sample sample in samples)
        {
            int steps = sample.Tokens?.Length ?? sample.Inputs!.Length / TModel.InputSize;
            var outputs = new float[steps * TModel.OutputSize];
            var state = new float[TModel.StateSize];
            if (sample.Tokens is { } tokens) model.Forward(tokens, state, outputs);
            else model.Forward(sample.Inputs, state, outputs);

            for (int target = 0; target < sample.Classes!.Length; target++)
            {
                if ((sample.Weights?[target] ?? 1f) == 0)
                {
                    continue;
                }

                int step = scenario == Scenario.ManyToMany ? target : steps - 1;
                int predicted = TensorPrimitives.IndexOfMax(outputs.AsSpan(step * TModel.OutputSize, TModel.OutputSize));
                correct += predicted == sample.Classes[target] ? 1 : 0;
                total++;
            }
        }

        return (double)correct / total;
    }

    /// <summary>Random bit strings (tokens 0/1) of lengths in [minLength, maxLength].</summary>
    public static int[] RandomBits(Random random, int minLength, int maxLength)
    {
        var bits = new int[random.Next(minLength, maxLength + 1)];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = random.Next(2);
        }

        return bits;
    }
}

/// <summary>Bit patterns of floats, so that comparisons are bit for bit (0 and -0, NaN payloads).</summary>
internal static class Bits
{
    public static int[] Of(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }
}

/// <summary>A synchronous progress receiver (System.Progress posts to the thread pool).</summary>
internal sealed class ProgressCallback(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
