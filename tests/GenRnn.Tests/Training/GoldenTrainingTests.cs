using GenRnn.Tests.Golden;
using GenRnn.Tests.Models;
using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests.Training;

/// <summary>
/// The trainer against torch.optim: every training case's loss before each update, gradient norm before clipping
/// (or elements clipped) and final parameters, with one-hot token inputs into a generated model.
/// </summary>
public sealed class GoldenTrainingTests
{
    public static TheoryData<string> Cases => GoldenData.TrainingCaseNames();

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingCaseMatchesPyTorch(string name)
    {
        GoldenTrainingCase c = GoldenData.Instance.TrainingCase(name);
        switch (c.Cell)
        {
            case CellKind.Lstm: Run<TrainLstm>(c); break;
            case CellKind.Gru: Run<TrainGru>(c); break;
            case CellKind.Rnn: Run<TrainRnn>(c); break;
            case CellKind.PeepholeLstm: Run<TrainPeepholeLstm>(c); break;
            default: throw new InvalidOperationException($"No model for {c.Cell}.");
        }
    }

    private static void Run<TModel>(GoldenTrainingCase c) where TModel : class, IRecurrentModel<TModel>
    {
        var model = TModel.Create();
        model.ImportParameters(c.Initial.Tensors().Select(t => t.ToNamedTensor()));
        IOptimizer optimizer = c.Optimizer.Type switch
        {
            "sgd" => new Sgd(TModel.ParameterCount, c.Optimizer.Lr, momentum: c.Optimizer.Momentum ?? 0),
            "adam" => new Adam(TModel.ParameterCount, c.Optimizer.Lr, c.Optimizer.Beta1 ?? 0.9, c.Optimizer.Beta2 ?? 0.999, c.Optimizer.Eps ?? 1e-8),
            "rmsprop" => new RMSprop(TModel.ParameterCount, c.Optimizer.Lr, c.Optimizer.Alpha ?? 0.99, c.Optimizer.Eps ?? 1e-8),
            _ => throw new InvalidOperationException(c.Optimizer.Type),
        };
        GradientClip clip = c.Clip switch
        {
            null => GradientClip.None,
            { Mode: "norm" } => GradientClip.ByNorm(c.Clip.Max),
            _ => GradientClip.ByValue(c.Clip.Max),
        };
        using var trainer = new Trainer<TModel>(model, optimizer, new TrainerOptions { Clip = clip, TruncatedSteps = c.Tbptt?.Chunk ?? 0 });
        Sample[] batch = c.Sequences.Select((tokens, i) => Sample.FromTokens(tokens, c.Targets[i])).ToArray();

        var losses = new List<double>();
        var norms = new List<double>();
        var clipped = new List<int>();
        for (int epoch = 0; epoch < c.Epochs; epoch++)
        {
            trainer.TrainBatch(batch);
            foreach (UpdateResult update in trainer.LastUpdates)
            {
                losses.Add(update.Loss);
                norms.Add(update.GradientNorm);
                clipped.Add(update.Clipped);
            }
        }

        Tolerance.Float.AssertClose("loss before each update", c.LossBeforeEachUpdate, losses.ToArray());
        if (c.TotalNormBeforeClip.Length > 0)
        {
            Tolerance.Float.AssertClose("total norm before clip", c.TotalNormBeforeClip, norms.ToArray());
        }

        if (c.ElementsClipped.Length > 0)
        {
            Assert.Equal(c.ElementsClipped, clipped);
        }

        Tolerance.Float.AssertTensors("final parameters", TModel.Description, c.Final.Tensors(), model.Parameters);
    }
}
