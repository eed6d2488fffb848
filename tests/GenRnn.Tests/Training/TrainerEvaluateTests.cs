using GenRnn.Tests.Models;
using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests.Training;

public class TrainerEvaluateTests
{
    /// <summary>
    /// Evaluate runs whole sequences even when training is truncated: it used to size its buffers for one chunk and
    /// throw on a sequence longer than <see cref="TrainerOptions.TruncatedSteps"/> (found by samples/CharLm).
    /// </summary>
    [Fact]
    public void Evaluate_WithTruncatedBptt_RunsWholeSequencesLongerThanAChunk()
    {
        var random = new Random(3);
        var samples = Enumerable.Range(0, 3).Select(_ =>
        {
            int[] tokens = Enumerable.Range(0, 40).Select(_ => random.Next(5)).ToArray();
            return Sample.FromTokens(tokens, tokens.Select(t => (t + 1) % 5).ToArray());
        }).ToList();
        var model = TrainLstm.Create();
        ParameterInitializer.PyTorchDefault(TrainLstm.Description, model.Parameters, seed: 1);

        using var truncated = new Trainer<TrainLstm>(model, new Sgd(TrainLstm.ParameterCount), new TrainerOptions { TruncatedSteps = 8 });
        using var full = new Trainer<TrainLstm>(model, new Sgd(TrainLstm.ParameterCount), new TrainerOptions());
        Evaluation a = truncated.Evaluate(samples), b = full.Evaluate(samples);
        Assert.Equal(b.Loss, a.Loss, 12);
        Assert.Equal(b.Accuracy, a.Accuracy);

        // Training after the evaluation still works in chunks.
        truncated.TrainBatch(samples);
        Assert.Equal(5, truncated.LastUpdates.Count);
    }
}
