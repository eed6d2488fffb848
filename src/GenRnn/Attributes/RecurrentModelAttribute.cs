namespace GenRnn;

/// <summary>
/// Marks a <c>partial</c> class as a recurrent model. The GenRnn source generator reads the layer attributes
/// (<see cref="EmbeddingAttribute"/>, <see cref="RnnAttribute"/>, <see cref="LstmAttribute"/>, <see cref="GruAttribute"/>,
/// <see cref="DenseAttribute"/>) in declaration order and writes the model's forward and backward code with every size a constant.
/// </summary>
/// <remarks>
/// The tuning options change only how the generated kernels compute, never what: use them to benchmark variants for
/// your own sizes (see benchmarks/README.md). The defaults are the measured best on the project's reference machine.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RecurrentModelAttribute : Attribute
{
    /// <summary>
    /// The widest vectors the kernels may use, in bits: 512 (the default: Vector512 where the hardware has it, else
    /// Vector256), 256 (never Vector512) or 32 (scalar code only). The choice among the allowed widths is made by the
    /// JIT for the machine the code runs on.
    /// </summary>
    public int VectorWidth { get; set; } = 512;

    /// <summary>Vector accumulators a matrix kernel keeps in registers per pass over the inputs, 1 to 8 (default 4).</summary>
    public int RegisterBlocks { get; set; } = 4;

    /// <summary>
    /// Also generate <c>ToBFloat16()</c> and the nested <c>BFloat16Model</c>: an inference snapshot that keeps the
    /// recurrent weight matrices in bfloat16 (half the bytes; each weight rounded within 2^-8 relative) and computes in
    /// float32. For models whose weights outgrow the caches, where a step is bound by reading them. Off by default.
    /// </summary>
    public bool BFloat16Inference { get; set; }

    /// <summary>
    /// Cores a <c>Step</c> uses: 1 (the default) or 2. With 2, Step hands half of each layer's gate rows to
    /// <see cref="CorePartner"/>'s thread on a second core, which then spins between steps (for
    /// <see cref="CorePartner.SpinTime"/> after the last). The untraced Forward steps through the same split step, and so
    /// do the bfloat16 snapshot's Step and Forward (<see cref="BFloat16Inference"/>). For
    /// models whose weights outgrow one core's L2 (below that the cores' round trip costs more than it saves); the
    /// result equals the one-core model's bit for bit (except for small models whose one-core kernels chain their sums,
    /// docs/api.md). The traced Forward, StepStreams and training stay on the calling thread.
    /// </summary>
    public int Cores { get; set; } = 1;
}
