namespace GenRnn.Training;

/// <summary>Where training stands, so that it resumes at the same place with the same random draws.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Step">Updates made in total.</param>
/// <param name="Seed">The seed training started from.</param>
/// <param name="RandomState">The trainer's random generator state (any number of ints), or null for none.</param>
public sealed record TrainingPosition(int Epoch, long Step, int Seed, int[]? RandomState = null)
{
    /// <summary>The trainer's random generator state; empty when there is none.</summary>
    public int[] RandomState { get; init; } = RandomState ?? [];
}
