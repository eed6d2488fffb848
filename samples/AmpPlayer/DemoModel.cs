using GenRnn;
using GenRnn.Training;

namespace AmpPlayer;

/// <summary>
/// The demo's amp: <see cref="AmpLstm40"/> trained for a few epochs to imitate <see cref="DemoSignal.Overdrive"/> on the
/// demo signal, as Automated-GuitarAmpModelling trains a SimpleRNN with skip 1: the network learns the difference
/// between the amp's output and its input, and the input is added back.
/// </summary>
public static class DemoModel
{
    private const int Chunk = 512;

    /// <summary>Trains a fresh model (recommended initialisation, seed 1) for <paramref name="epochs"/> epochs of 64 chunks.</summary>
    /// <param name="sampleRate">The rate of the training signal.</param>
    /// <param name="epochs">Epochs of 4 updates each (0: the initialised, untrained model).</param>
    /// <param name="onEpoch">Called after each epoch with the epochs done and the training loss.</param>
    /// <returns>The model and its mean squared error on held-out chunks before and after training.</returns>
    public static (AmpLstm40 Model, double Before, double After) Train(int sampleRate, int epochs, Action<int, double>? onEpoch = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        float[] source = DemoSignal.Pluck(sampleRate, 4 * sampleRate);
        float[] target = DemoSignal.Overdrive(source);
        var random = new Random(3);
        Sample Take()
        {
            int at = random.Next(source.Length - Chunk);
            float[] x = source[at..(at + Chunk)];
            float[] residual = target[at..(at + Chunk)];
            for (int i = 0; i < Chunk; i++) residual[i] -= x[i]; // skip 1: the model's part is target - input
            return Sample.FromVectors(x, residual);
        }

        List<Sample> training = [.. Enumerable.Range(0, 64).Select(_ => Take())];
        List<Sample> test = [.. Enumerable.Range(0, 16).Select(_ => Take())];

        var model = AmpLstm40.Create();
        ParameterInitializer.Recommended(AmpLstm40.Description, model.Parameters, seed: 1);
        var options = new TrainerOptions
        {
            Loss = LossKind.MeanSquaredError,
            Scenario = Scenario.ManyToMany,
            BatchSize = 16,
            Epochs = Math.Max(1, epochs),
            Seed = 1,
            Clip = GradientClip.ByNorm(1),
            OnProgress = p =>
            {
                if (p.EndOfEpoch) onEpoch?.Invoke(p.EpochsCompleted, p.Loss);
            },
        };
        using var trainer = new Trainer<AmpLstm40>(model, new Adam(AmpLstm40.ParameterCount, 1e-2), options);
        double before = trainer.Evaluate(test).Loss;
        if (epochs > 0)
        {
            trainer.Fit(training);
        }

        return (model, before, trainer.Evaluate(test).Loss);
    }
}
