namespace GenRnn.Training;

/// <summary>The learning rate of each epoch as a factor of the optimizer's initial rate.</summary>
public sealed record LearningRateSchedule
{
    private LearningRateSchedule(string kind, int stepSize, double gamma, double minimumFactor)
    {
        Kind = kind;
        StepSize = stepSize;
        Gamma = gamma;
        MinimumFactor = minimumFactor;
    }

    /// <summary>The same rate every epoch.</summary>
    public static LearningRateSchedule Constant { get; } = new("constant", 1, 1, 1);

    /// <summary>"constant", "step" or "cosine".</summary>
    public string Kind { get; }

    /// <summary>Epochs between decays (step schedule).</summary>
    public int StepSize { get; }

    /// <summary>Decay factor (step schedule).</summary>
    public double Gamma { get; }

    /// <summary>The factor reached at the last epoch (cosine schedule).</summary>
    public double MinimumFactor { get; }

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs (torch StepLR).</summary>
    public static LearningRateSchedule Step(int stepSize, double gamma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma > 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Gamma must be in (0, 1].");
        return new("step", stepSize, gamma, 1);
    }

    /// <summary>Cosine annealing from the initial rate to <paramref name="minimumFactor"/> times it over the run (torch CosineAnnealingLR).</summary>
    public static LearningRateSchedule Cosine(double minimumFactor = 0)
    {
        if (!(minimumFactor >= 0 && minimumFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(minimumFactor), minimumFactor, "The minimum factor must be in [0, 1].");
        return new("cosine", 1, 1, minimumFactor);
    }

    /// <summary>The factor for epoch <paramref name="epoch"/> (from 0) of <paramref name="epochs"/>.</summary>
    public double Factor(int epoch, int epochs) => Kind switch
    {
        "step" => Math.Pow(Gamma, epoch / StepSize),
        "cosine" => MinimumFactor + (1 - MinimumFactor) * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, epochs))) / 2,
        _ => 1,
    };
}
