namespace GenRnn.Training;

/// <summary>
/// The update step every trainer shares, over one or more models updated together: measures the global gradient
/// norm over all of them, refuses a non-finite loss or norm before anything changes, clips, snapshots the
/// parameters, lets each optimizer step, and puts the snapshot back if a parameter came out non-finite. Allocates
/// nothing after construction (except the exception it throws).
/// </summary>
internal sealed class UpdateGuard
{
    private readonly Part[] _parts;
    private readonly GradientClip _clip;

    /// <summary>Guards the updates of each (parameters, gradients, optimizer) in <paramref name="parts"/>, clipped by <paramref name="clip"/>.</summary>
    public UpdateGuard(GradientClip clip, params (float[] Parameters, float[] Gradients, IOptimizer Optimizer)[] parts)
    {
        _clip = clip;
        _parts = new Part[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            (float[] parameters, float[] gradients, IOptimizer optimizer) = parts[i];
            _parts[i] = new Part(parameters, gradients, optimizer, new float[parameters.Length]);
        }
    }

    /// <summary>
    /// Checks, clips and applies update number <paramref name="update"/> (from 1, for the messages) of a batch whose
    /// loss is <paramref name="loss"/>.
    /// </summary>
    /// <returns>The loss, the global norm before clipping and the elements clipped by value.</returns>
    /// <exception cref="TrainingDivergedException">
    /// The loss or norm is not finite (nothing changed: the optimizers never saw the update), or the update made a
    /// parameter non-finite (every model's parameters are back to their values before it; the optimizers' state is
    /// not rolled back).
    /// </exception>
    public UpdateResult Apply(double loss, long update)
    {
        double sum = 0;
        foreach (Part part in _parts)
        {
            sum += GradientClipping.SumOfSquares(part.Gradients);
        }

        double total = Math.Sqrt(sum);
        float norm = (float)total; // reported and checked in float, as GradientClipping.Norm gives it
        if (!double.IsFinite(loss) || !float.IsFinite(norm))
        {
            throw new TrainingDivergedException($"Update {update}: the loss is {loss} and the gradient norm {(double)norm}; training stopped before applying it, the parameters are unchanged. Lower the learning rate or clip the gradients.");
        }

        int clipped = 0;
        foreach (Part part in _parts)
        {
            // One factor from the global norm over every model, as clip_grad_norm_ over all their parameters.
            if (_clip.Mode == ClipMode.Norm) GradientClipping.ScaleToNorm(part.Gradients, (float)_clip.Max, total); // thresholds applied as float, to the float gradients
            else if (_clip.Mode == ClipMode.Value) clipped += GradientClipping.Clamp(part.Gradients, (float)_clip.Max);
        }

        foreach (Part part in _parts)
        {
            part.Parameters.CopyTo(part.LastFinite, 0);
        }

        foreach (Part part in _parts)
        {
            part.Optimizer.Step(part.Parameters, part.Gradients);
        }

        if (!AllFinite())
        {
            foreach (Part part in _parts)
            {
                part.LastFinite.CopyTo(part.Parameters, 0);
            }

            throw new TrainingDivergedException($"Update {update} made a parameter non-finite; the parameters were restored to their values before it. Lower the learning rate or clip the gradients.");
        }

        return new UpdateResult(loss, norm, clipped);
    }

    private bool AllFinite()
    {
        foreach (Part part in _parts)
        {
            foreach (float p in part.Parameters)
            {
                if (!float.IsFinite(p)) return false;
            }
        }

        return true;
    }

    private readonly record struct Part(float[] Parameters, float[] Gradients, IOptimizer Optimizer, float[] LastFinite);
}
