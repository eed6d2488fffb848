namespace GenRnn.Benchmarks;

/// <summary>
/// Run in every GlobalSetup before anything is timed: the generated model must agree with the double-precision
/// reference built from the same parameters, so a benchmark never times wrong code. Each check leaves both runners
/// reset (zero state, first input next).
/// </summary>
public static class Checks
{
    /// <summary>Largest difference allowed after the first step (outputs and state).</summary>
    public const double StepTolerance = 1e-5;

    /// <summary>Allowed difference over a 100-step sequence: float rounding accumulates through the recurrence.</summary>
    public const double SequenceTolerance = 1e-5;

    /// <summary>Allowed parameter-gradient difference after BPTT, relative to the largest gradient.</summary>
    public const double GradientTolerance = 1e-5;

    /// <summary>First step from a zero state: output and state within <see cref="StepTolerance"/>.</summary>
    public static void FirstStep(GeneratedRunner generated, ReferenceRunner reference) => FromZeroState(generated, reference, () =>
    {
        generated.Step();
        reference.Step();
        Close(generated.Output, reference.Output, StepTolerance, "the first step's output");
        Close(generated.State, reference.State, StepTolerance, "the state after the first step");
    });

    /// <summary>
    /// Difference allowed between the bfloat16 snapshot's first step and the float step: each weight is rounded within
    /// 2^-8 relative, so a pre-activation moves by up to about 2^-8 times the sum of |w x| over its inputs.
    /// </summary>
    public const double BFloat16StepTolerance = 2e-2;

    /// <summary>The bfloat16 snapshot's first step from a zero state within <see cref="BFloat16StepTolerance"/> of the float step's.</summary>
    public static void FirstBFloat16Step(GeneratedRunner generated)
    {
        generated.Reset();
        generated.Step();
        double[] output = [.. generated.Output.Select(v => (double)v)];
        double[] state = [.. generated.State.Select(v => (double)v)];
        generated.Reset();
        generated.StepBFloat16();
        Close(generated.BFloat16Output, output, BFloat16StepTolerance, "the bfloat16 snapshot's first output (vs float)");
        Close(generated.BFloat16State, state, BFloat16StepTolerance, "the bfloat16 snapshot's first state (vs float)");
        generated.Reset();
    }

    /// <summary>A 100-step Forward from a zero state: every output within <see cref="SequenceTolerance"/>.</summary>
    public static void Sequence(GeneratedRunner generated, ReferenceRunner reference) => FromZeroState(generated, reference, () =>
    {
        generated.Forward();
        reference.Forward();
        Close(generated.Outputs, reference.Outputs, SequenceTolerance, "the 100-step outputs");
    });

    /// <summary>One forward-backward pass: every parameter gradient within <see cref="GradientTolerance"/> of the largest.</summary>
    public static void Gradients(GeneratedRunner generated, ReferenceRunner reference)
    {
        Array.Clear(generated.Gradients);
        Array.Clear(reference.Gradients);
        generated.ForwardBackward();
        reference.ForwardBackward();
        double largest = reference.Gradients.Max(Math.Abs);
        Close(generated.Gradients, reference.Gradients, GradientTolerance * Math.Max(1, largest), "the parameter gradients");
        Array.Clear(generated.Gradients);
        Array.Clear(reference.Gradients);
        generated.Reset();
        reference.Reset();
    }

    /// <summary>Largest absolute difference between the two.</summary>
    public static double MaxDifference(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException($"Lengths differ: {actual.Length} vs {expected.Length}.");
        }

        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]);
            worst = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(worst, difference);
        }

        return worst;
    }

    /// <summary>What the checks since the last <see cref="TakeReport"/> found, for the smoke run's log.</summary>
    public static string TakeReport()
    {
        string report = string.Join("; ", Report);
        Report.Clear();
        return report;
    }

    private static readonly List<string> Report = [];

    // Both runners reset before the comparison and after it: each check starts from a zero state and leaves one.
    private static void FromZeroState(GeneratedRunner generated, ReferenceRunner reference, Action compare)
    {
        generated.Reset();
        reference.Reset();
        compare();
        generated.Reset();
        reference.Reset();
    }

    private static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double tolerance, string what)
    {
        double worst = MaxDifference(actual, expected);
        Report.Add($"{what} {worst:0.0e0} (<= {tolerance:0.0e0})");
        if (!(worst <= tolerance))
        {
            throw new InvalidOperationException($"The generated model disagrees with the reference on {what}: largest difference {worst:G3} > {tolerance:G3}.");
        }
    }
}
