namespace GenRnn.Training;

/// <summary>How a trainer clips the summed gradient before each update.</summary>
/// <param name="Mode">None, by value, or by global norm over all parameters.</param>
/// <param name="Max">The largest value or norm allowed.</param>
public readonly record struct GradientClip(ClipMode Mode, float Max)
{
    /// <summary>No clipping.</summary>
    public static GradientClip None => default;

    /// <summary>Clamp every gradient to [-max, max] (torch.nn.utils.clip_grad_value_).</summary>
    public static GradientClip ByValue(float max) => new(ClipMode.Value, max);

    /// <summary>Scale all gradients together so their global norm is at most <paramref name="max"/> (clip_grad_norm_).</summary>
    public static GradientClip ByNorm(float max) => new(ClipMode.Norm, max);
}

/// <summary>The kinds of gradient clipping.</summary>
public enum ClipMode
{
    /// <summary>No clipping.</summary>
    None = 0,

    /// <summary>Clamp each element.</summary>
    Value = 1,

    /// <summary>Scale by the global norm.</summary>
    Norm = 2,
}
