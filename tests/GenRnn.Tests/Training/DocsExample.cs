using System.Runtime.InteropServices;
using GenRnn;
using GenRnn.Training;

namespace ParityDemo;

// Tokens 0 and 1 (one-hot: the model has no [Embedding]) in, two classes out: 1 when the number of ones is even.
[RecurrentModel]
[Gru(2, 16)]
[Dense(2)]
public partial class Parity;

public static class ParityExample
{
    public static double Run(string checkpointPath)
    {
        // Every bit string of length 2..8, one class at its last step; 100 of them held out.
        var all = new List<Sample>();
        for (int length = 2; length <= 8; length++)
        {
            for (int v = 0; v < 1 << length; v++)
            {
                int[] bits = Enumerable.Range(0, length).Select(i => (v >> i) & 1).ToArray();
                all.Add(Sample.FromTokens(bits, [bits.Sum() % 2 == 0 ? 1 : 0]));
            }
        }

        new Random(7).Shuffle(CollectionsMarshal.AsSpan(all));
        List<Sample> validation = all[..100], training = all[100..];

        var model = Parity.Create(); // all parameters zero
        ParameterInitializer.Recommended(Parity.Description, model.Parameters, seed: 1);
        var options = new TrainerOptions
        {
            Scenario = Scenario.ManyToOne,    // the loss looks at the last step only
            BatchSize = 16,
            Epochs = 150,
            Seed = 1,                         // the shuffling of every epoch
            Clip = GradientClip.ByNorm(1),
            CheckpointPath = checkpointPath,  // written after every epoch
        };
        using var trainer = new Trainer<Parity>(model, new Adam(Parity.ParameterCount, learningRate: 0.01), options);
        TrainingReport report = trainer.Fit(training, validation);
        Evaluation result = trainer.Evaluate(validation);
        Console.WriteLine($"{report.Epochs} epochs, {report.Updates} updates, held-out accuracy {result.Accuracy:P1}");

        // Inference: stream a string through the trained model and read the answer at its last step.
        var state = new Parity.State();
        Span<float> output = stackalloc float[Parity.OutputSize];
        foreach (int bit in new[] { 1, 0, 1, 1 })
        {
            model.Step(bit, ref state, output);
        }

        Console.WriteLine(output[1] > output[0] ? "even" : "odd"); // three ones: odd
        return result.Accuracy;
    }
}
