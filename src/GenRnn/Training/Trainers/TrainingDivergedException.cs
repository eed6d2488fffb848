namespace GenRnn.Training;

/// <summary>
/// Thrown when a loss or gradient is NaN or infinite. The update that would have used it is not applied, so the
/// parameters keep their last finite values.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }
}
