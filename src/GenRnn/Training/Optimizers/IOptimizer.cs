namespace GenRnn.Training;

/// <summary>
/// Updates a flat parameter buffer from its gradients, keeping whatever state the method needs (moment buffers,
/// step count). <see cref="Step"/> allocates nothing.
/// </summary>
public interface IOptimizer
{
    /// <summary>The length of the parameter and gradient buffers this optimizer updates.</summary>
    int ParameterCount { get; }

    /// <summary>The learning rate of the next steps (schedules may change it between steps).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    /// <remarks>A double, as the other hyperparameters; the float kernels use it converted to float.</remarks>
    double LearningRate { get; set; }

    /// <summary>Updates made since construction or <see cref="Reset"/> (PyTorch's <c>step</c>, t in the formulas).</summary>
    long StepCount { get; }

    /// <summary>Makes one update of <paramref name="parameters"/> from <paramref name="gradients"/>, which are not modified.</summary>
    /// <param name="parameters">The <see cref="ParameterCount"/> parameters, updated in place.</param>
    /// <param name="gradients">Their <see cref="ParameterCount"/> gradients (after any clipping); must not overlap <paramref name="parameters"/>.</param>
    /// <exception cref="ArgumentException">A buffer does not hold <see cref="ParameterCount"/> floats.</exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Forgets the state: zero buffers and a step count of 0, as a newly constructed optimizer.</summary>
    void Reset();

    /// <summary>A copy of the state, for a checkpoint.</summary>
    OptimizerState ExportState();

    /// <summary>
    /// Restores a state from <see cref="ExportState"/> (its buffers, step count and learning rate, as PyTorch's
    /// <c>load_state_dict</c>). Everything is checked before anything changes.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The state is for another kind or configuration of optimizer or another parameter count, or a buffer holds a
    /// NaN or an infinity.
    /// </exception>
    void ImportState(OptimizerState state);
}
