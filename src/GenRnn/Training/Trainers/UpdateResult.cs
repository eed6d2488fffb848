namespace GenRnn.Training;

/// <summary>What one optimizer update saw.</summary>
/// <param name="Loss">The batch (or chunk) loss before the update.</param>
/// <param name="GradientNorm">The global gradient norm before clipping.</param>
/// <param name="Clipped">Elements clipped (value clipping), else 0.</param>
public readonly record struct UpdateResult(double Loss, double GradientNorm, int Clipped);
