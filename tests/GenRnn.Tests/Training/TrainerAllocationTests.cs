using GenRnn.Training;
using Xunit;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests.Training;

/// <summary>
/// Once warmed up, a training step (forward, loss, BPTT, gradient sum, clipping, update) allocates nothing on the
/// calling thread. With several threads the helpers run on the trainer's own threads, which this cannot measure.
/// </summary>
public sealed class TrainerAllocationTests
{
    public static TheoryData<int, int, string> Cases => new()
    {
        { 1, 0, "cross-entropy" },
        { 1, 3, "cross-entropy" },
        { 1, 0, "many-to-one" },
        { 1, 0, "one-to-many" },
        { 1, 0, "binary" },
        { 1, 4, "squared" },
        { 2, 0, "cross-entropy" },
        { 2, 3, "binary" },
        { 2, 0, "squared" },
        { 1, 0, "lstm options" },
        { 1, 3, "lstm options" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainBatch_allocates_nothing_after_warm_up(int threads, int truncated, string task)
    {
        switch (task)
        {
            case "cross-entropy":
                Run<CountModThree>(ScenarioTests.CountSamples(8, 91), new() { Threads = threads, TruncatedSteps = truncated, Clip = GradientClip.ByNorm(1) });
                break;
            case "many-to-one":
                Sample[] parity = Enumerable.Range(2, 8).Select(n => Sample.FromTokens(Enumerable.Range(0, n).Select(i => i % 2).ToArray(), [n % 2])).ToArray();
                Run<ParityGru>(parity, new() { Threads = threads, TruncatedSteps = truncated, Scenario = Scenario.ManyToOne, Clip = GradientClip.ByValue(0.5) });
                break;
            case "one-to-many":
                Sample[] counts = Enumerable.Range(0, 8).Select(t => new Sample(Tokens: [t], Classes: Enumerable.Range(1, 2 + t).Select(k => (t + k) % 8).ToArray())).ToArray();
                Run<CountUp>(counts, new() { Threads = threads, TruncatedSteps = truncated, Scenario = Scenario.OneToMany });
                break;
            case "lstm options":
                Run<CountModThreeLstmOptions>(ScenarioTests.CountSamples(8, 91), new() { Threads = threads, TruncatedSteps = truncated, Clip = GradientClip.ByNorm(1) });
                break;
            case "binary":
                Run<BitsSigmoid>(ScenarioTests.BitLabelSamples(8, 92), new() { Threads = threads, TruncatedSteps = truncated, Loss = LossKind.SigmoidBinaryCrossEntropy });
                break;
            default:
                Run<NextSine>(ScenarioTests.SineSamples(8, 93), new() { Threads = threads, TruncatedSteps = truncated, Loss = LossKind.MeanSquaredError, Clip = GradientClip.ByNorm(1) });
                break;
        }
    }

    private static void Run<TModel>(IReadOnlyList<Sample> batch, TrainerOptions options) where TModel : class, IRecurrentModel<TModel>
    {
        var model = NewModel<TModel>(1);
        using var trainer = new Trainer<TModel>(model, new Adam(TModel.ParameterCount, 1e-3, weightDecay: 1e-4), options);
        for (int i = 0; i < 20; i++)
        {
            trainer.TrainBatch(batch);
        }

        double loss = 0;
        int windows = 0;
        AllocationAssert.NothingAllocated(
            () =>
            {
                windows++;
                for (int i = 0; i < 100; i++)
                {
                    loss += trainer.TrainBatch(batch);
                }
            },
            "100 training batches");
        Assert.True(double.IsFinite(loss) && loss > 0);
        Assert.Equal((20L + (100L * windows)) * trainer.LastUpdates.Count, trainer.Updates);
    }
}
