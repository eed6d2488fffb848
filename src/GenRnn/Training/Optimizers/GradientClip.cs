namespace GenRnn.Training;

/// <summary>How a trainer clips the summed gradient before each update.</summary>
/// <remarks>
/// The factories and the constructor check their arguments: the mode must be defined and, unless it is
/// <see cref="ClipMode.None"/>, the threshold must be positive (not zero, negative or NaN; +∞ clips nothing).
/// A value changed afterwards with <c>with</c> is checked again by the trainer that receives it.
/// </remarks>
public readonly record struct GradientClip
{
    /// <summary>Creates a clipping setting.</summary>
    /// <param name="mode">None, by value, or by global norm over all parameters.</param>
    /// <param name="max">The largest value or norm allowed: positive unless <paramref name="mode"/> is None.</param>
    /// <exception cref="ArgumentOutOfRangeException">The mode is undefined or the threshold is not positive.</exception>
    public GradientClip(ClipMode mode, double max)
    {
        Check(mode, max, nameof(mode), nameof(max));
        Mode = mode;
        Max = max;
    }

    /// <summary>None, by value, or by global norm over all parameters.</summary>
    public ClipMode Mode { get; init; }

    /// <summary>The largest value or norm allowed.</summary>
    public double Max { get; init; }

    /// <summary>No clipping.</summary>
    public static GradientClip None => default;

    /// <summary>Clamp every gradient to [-max, max] (torch.nn.utils.clip_grad_value_).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is zero, negative or NaN.</exception>
    public static GradientClip ByValue(double max)
    {
        Check(ClipMode.Value, max, nameof(max), nameof(max));
        return new(ClipMode.Value, max);
    }

    /// <summary>Scale all gradients together so their global norm is at most <paramref name="max"/> (clip_grad_norm_).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is zero, negative or NaN.</exception>
    public static GradientClip ByNorm(double max)
    {
        Check(ClipMode.Norm, max, nameof(max), nameof(max));
        return new(ClipMode.Norm, max);
    }

    /// <summary>Deconstructs into the mode and the threshold.</summary>
    public void Deconstruct(out ClipMode mode, out double max)
    {
        mode = Mode;
        max = Max;
    }

    /// <summary>Throws, naming <paramref name="parameterName"/>, unless this is a valid setting.</summary>
    internal void Validate(string parameterName) => Check(Mode, Max, parameterName, parameterName);

    private static void Check(ClipMode mode, double max, string modeName, string maxName)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(modeName, mode, $"The clip mode {(int)mode} is not one of None, Value, Norm.");
        }

        if (mode != ClipMode.None && !(max > 0))
        {
            throw new ArgumentOutOfRangeException(maxName, max, $"Clipping by {(mode == ClipMode.Norm ? "norm" : "value")} needs a positive threshold, got {max} (use GradientClip.None for no clipping).");
        }
    }
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
