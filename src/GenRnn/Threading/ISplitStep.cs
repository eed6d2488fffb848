using System.ComponentModel;

namespace GenRnn;

/// <summary>
/// What <see cref="CorePartner"/> calls on a model declared with <see cref="RecurrentModelAttribute.Cores"/> = 2:
/// implemented by the generated code, not meant to be called by users.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISplitStep
{
    /// <summary>Computes the part of the current step that <paramref name="part"/> names (the model's own encoding).</summary>
    /// <param name="part">Which part.</param>
    void RunPart(int part);
}
