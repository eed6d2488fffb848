using CsCheck;
using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests.Properties;

/// <summary>
/// Random trainer options and clip thresholds (CsCheck): a set of values is accepted exactly when every value is in
/// its documented range, and otherwise the first value out of range throws an ArgumentException-family error whose
/// ParamName is that option.
/// </summary>
public sealed class TrainingOptionProperties
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("GENRNN_PROPERTY_ITERATIONS"), out int n) && n > 0 ? n : 300;

    [Fact]
    public void OptionsAreAcceptedExactlyWhenInRange()
    {
        Gen<int> small = Gen.Int[-2, 4];
        Gen.Select(Gen.Select(small, small, small, small, small, small), Gen.Int[-1, 5], Gen.Int[-1, 4]).Sample(t =>
        {
            ((int batch, int threads, int epochs, int truncated, int patience, int report), int loss, int scenario) = t;
            // In the order the initializer below sets them, with each one's lower bound.
            (string Name, bool Valid)[] checks =
            [
                ("BatchSize", batch >= 1), ("Threads", threads >= 1), ("Epochs", epochs >= 0), ("TruncatedSteps", truncated >= 0),
                ("EarlyStoppingPatience", patience >= 0), ("ReportEvery", report >= 0),
                ("Loss", Enum.IsDefined((LossKind)loss)), ("Scenario", Enum.IsDefined((Scenario)scenario)),
            ];
            TrainerOptions Make() => new()
            {
                BatchSize = batch, Threads = threads, Epochs = epochs, TruncatedSteps = truncated,
                EarlyStoppingPatience = patience, ReportEvery = report, Loss = (LossKind)loss, Scenario = (Scenario)scenario,
            };

            string? firstInvalid = checks.FirstOrDefault(c => !c.Valid).Name;
            if (firstInvalid is null)
            {
                TrainerOptions options = Make();
                Assert.Equal(batch, options.BatchSize);
                Assert.Equal((Scenario)scenario, options.Scenario);
            }
            else
            {
                ArgumentException e = Assert.ThrowsAny<ArgumentException>(Make);
                Assert.Equal(firstInvalid, e.ParamName);
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void ClipThresholdsArePositive()
    {
        Gen.Frequency<float>((4, Gen.Float[-2f, 2f]), (1, Gen.Const(0f)), (1, Gen.Const(float.NaN)), (1, Gen.Const(float.PositiveInfinity))).Sample(max =>
        {
            if (max > 0)
            {
                Assert.Equal(max, GradientClip.ByNorm(max).Max);
                Assert.Equal(max, GradientClip.ByValue(max).Max);
            }
            else
            {
                Assert.Equal("max", Assert.ThrowsAny<ArgumentException>(() => GradientClip.ByNorm(max)).ParamName);
                Assert.Equal("max", Assert.ThrowsAny<ArgumentException>(() => GradientClip.ByValue(max)).ParamName);
            }
        }, iter: Iterations, threads: 1);
    }
}
