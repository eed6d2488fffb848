using GenRnn;
using GenRnn.Training;

namespace ReadmeDemo;

// README.md, "Train it": every line of its code block appears here, in order (ReadmeExampleTests).
[RecurrentModel]
[Gru(2, 16)]   // tokens 0 and 1 (one-hot: no [Embedding])
[Dense(2)]     // logits of "odd" and "even"
public partial class ParityModel;

public static class ReadmeExample
{
    /// <summary>Random bit strings of 1 to 12 bits, labelled 1 when the number of ones is even.</summary>
    public static List<Sample> Strings(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new List<Sample>(count);
        for (int i = 0; i < count; i++)
        {
            int[] bits = new int[random.Next(1, 13)];
            for (int j = 0; j < bits.Length; j++)
            {
                bits[j] = random.Next(2);
            }

            samples.Add(Sample.FromTokens(bits, [bits.Sum() % 2 == 0 ? 1 : 0]));
        }

        return samples;
    }

    /// <summary>The snippet with its data; returns the held-out accuracy and whether the trainer initialised the model.</summary>
    public static (double Accuracy, bool Initialized) Run(bool initializeZeroParameters = true)
    {
        List<Sample> training = Strings(2000, seed: 1), validation = Strings(500, seed: 2);

        var model = ParityModel.Create();                     // all zero: the trainer initialises it (below)
        var optimizer = new Adam(ParityModel.ParameterCount, learningRate: 0.01);
        using var trainer = new Trainer<ParityModel>(model, optimizer, new TrainerOptions
        {
            Scenario = Scenario.ManyToOne, Loss = LossKind.SoftmaxCrossEntropy, Clip = GradientClip.ByNorm(1),
            BatchSize = 32, Epochs = 20, Threads = 2, Seed = 1,
            InitializeZeroParameters = initializeZeroParameters,
        });
        TrainingReport report = trainer.Fit(training, validation);   // Sample.FromTokens(bits, [label]) each
        double accuracy = trainer.Evaluate(validation).Accuracy;     // arg-max class right: 1.0 here
        return (accuracy, trainer.InitializedParameters);
    }
}
