using System.Collections.Generic;
using System.Linq;
using GenRnn.Generators.Model;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// Every speed decision the emitters take for one model, made once (by ModelLayout, which owns it as
/// <see cref="ModelLayout.Plan"/>) from the model's sizes, its [RecurrentModel] tuning and the size of a step record.
/// The emitters only read it. Only <see cref="ChainsAccumulators"/> changes the order of float sums; the rules around
/// it (<see cref="StreamGroup"/>, <see cref="SequenceChunk"/>) keep every entry point giving the sums Step gives.
/// </summary>
/// <remarks>
/// Two rules stay where other code needs them: whether Cores = 2 can split a layer at all is
/// <see cref="LayerModel.Splittable"/> (the parser's GRNN018 warning asks it too), and the bfloat16 kernels always
/// take two blocks per call (CellEmitter; see <see cref="LayerTuning.BlocksPerCall"/>).
/// </remarks>
internal sealed class TuningPlan
{
    /// <summary>
    /// Bytes of weights from which a step's weights no longer stay in L1 (32-48 KB) from one step to the next: the
    /// threshold of <see cref="LayerTuning.Sweeps"/> and <see cref="ChunksSequences"/>.
    /// </summary>
    public const int BeyondL1 = 64 * 1024;

    /// <summary>Floats of step records StepStreams keeps on the stack for a group: 64 KB, a safe stackalloc.</summary>
    private const int GroupRecordFloats = 16384;

    /// <summary>Streams (and, when chunked, steps of one sequence) stepped together: each weight is read once for four.</summary>
    private const int GroupSize = 4;

    public TuningPlan(ModelSpec model, int stepRecordSize)
    {
        Layers = model.Layers.Select(l => new LayerTuning(l, model.Tuning)).ToList();
        Sweeps = Layers.Any(l => l.Sweeps);
        ChunksSequences = Layers.Sum(l => l.WeightBytes) >= BeyondL1;
        SplitsSteps = Layers.Any(l => l.Splits);
        ChainsAccumulators = !SplitsSteps && !ChunksSequences && model.Layers.Any(l => l.GateSize < 2 * BlockedMatrix.Width);
        StreamGroup = !ChainsAccumulators && GroupSize * stepRecordSize <= GroupRecordFloats ? GroupSize : 1;
        SequenceChunk = ChunksSequences ? StreamGroup : 1;
        BFloat16Snapshot = model.Tuning.BFloat16Inference;
        VectorLanes = model.Tuning.VectorWidth switch
        {
            512 => new[] { Lanes.V512, Lanes.V256 },
            256 => new[] { Lanes.V256 },
            _ => System.Array.Empty<Lanes>(),
        };
    }

    /// <summary>The decisions of each layer, in the model's order.</summary>
    public IReadOnlyList<LayerTuning> Layers { get; }

    /// <summary>
    /// The vector widths the kernels are written for, widest first (each under its IsHardwareAccelerated check, a
    /// scalar loop after them): VectorWidth 512 also writes Vector256 for machines without AVX-512; 256 stops there;
    /// 32 is scalar only.
    /// </summary>
    public Lanes[] VectorLanes { get; }

    /// <summary>
    /// Whether any layer sweeps its blocks in alternating directions (<see cref="LayerTuning.Sweeps"/>): the model
    /// then keeps the direction flag of Step calls (NextSweep), and Forward alternates with the step's parity.
    /// </summary>
    public bool Sweeps { get; }

    /// <summary>
    /// Whether Forward runs a sequence in chunks of steps that share the input weights (ForwardChunk): when the
    /// layers' float weight matrices take <see cref="BeyondL1"/> or more together, more than L1 keeps from one step to
    /// the next, so reading W_ih once per chunk saves L2 traffic. Smaller models lose more to the extra stores than
    /// they save. Measured (100 steps): LSTM (16,64) 47.0 -> 41.7 µs, (64,256) 1007 -> 874 µs, GRU (64,256) 665 -> 538
    /// µs; LSTM (8,32) 9.3 -> 10.0 µs, so it keeps one step at a time.
    /// </summary>
    public bool ChunksSequences { get; }

    /// <summary>
    /// Whether the forward kernels split short passes into independent FMA chains (AffineKernel.Chains): for models
    /// that do not chunk sequences and have a layer of fewer than 128 gate rows (two column blocks), whose one kernel
    /// call has fewer than 8 Vector512 accumulators (an RNN (8, 32): two, each a chain of 40 dependent FMAs). The
    /// chains change the order of the sums, so these models run StepStreams one stream at a time (each stream still
    /// gets exactly what Step gives it). Measured (probe): RNN (8, 32) step 56 -> 34 ns. Models that chunk sequences
    /// do not chain, so that they keep their chunks; models that split steps do not (see <see cref="SplitsSteps"/>).
    /// </summary>
    public bool ChainsAccumulators { get; }

    /// <summary>
    /// Whether Step shares layers' gate rows with GenRnn.CorePartner (Cores = 2 and a layer with
    /// <see cref="LayerTuning.Splits"/>). Such models do not chain accumulators: the split Step, the one-core fallback
    /// and Forward then all give the same sums.
    /// </summary>
    public bool SplitsSteps { get; }

    /// <summary>
    /// Streams StepStreams steps together (ForwardGroup): four, each weight read once for all of them, while their
    /// records fit in 64 KB of stack; one at a time for models that chain accumulators, whose sums the group kernel
    /// does not take in the same order.
    /// </summary>
    public int StreamGroup { get; }

    /// <summary>
    /// Steps of a sequence Forward runs together (ForwardChunk) when it chunks sequences: as many as StepStreams'
    /// streams, so that the chunk kernels are the group kernels' shapes; 1 for none.
    /// </summary>
    public int SequenceChunk { get; }

    /// <summary>
    /// Whether the model gets the bfloat16 inference snapshot (BFloat16Inference = true). The snapshot runs Forward
    /// one step at a time whatever <see cref="SequenceChunk"/> is: there are no bfloat16 chunk kernels.
    /// </summary>
    public bool BFloat16Snapshot { get; }
}

/// <summary>The speed decisions for one layer (<see cref="TuningPlan.Layers"/>).</summary>
internal sealed class LayerTuning
{
    /// <summary>Bytes of weights from which a layer's four-block kernel no longer pays: half this machine class's L2 (1 MB).</summary>
    private const int FourBlocksBelow = 512 * 1024;

    /// <summary>Column blocks from which a layer has two groups of four blocks to alternate between.</summary>
    private const int FourBlocksFrom = 8;

    public LayerTuning(LayerModel model, Tuning tuning)
    {
        int gh = model.GateSize, full = gh / BlockedMatrix.Width;
        WeightBytes = (long)gh * (model.InputSize + model.HiddenSize) * sizeof(float);
        Sweeps = WeightBytes >= TuningPlan.BeyondL1;
        BlocksPerCall = tuning.VectorWidth == 512 && Sweeps && WeightBytes < FourBlocksBelow && full >= FourBlocksFrom ? 4 : 2;
        if (tuning.Cores == 2 && model.Splittable)
        {
            // The caller takes more blocks than the partner: the partner starts one core-to-core message later and
            // its sums reach the caller one message after it is done.
            SplitColumn = System.Math.Min(full - 1, (full + 2) / 2) * BlockedMatrix.Width;
        }

        PacksBFloat16 = PacksPairs(model);
    }

    /// <summary>
    /// Whether the bfloat16 snapshot packs the layer's W_ih and W_hh as pairs of rows (GenRnn.BFloat16.PackPairs) and
    /// runs its bfloat16 forward form. A cell whose recurrent product waits for its reset gate (the reset-before GRU
    /// multiplies part of W_hh by r * h, outside the Affine kernel) keeps float weights. (ModelLayout places the packed
    /// matrices of the layers this accepts.)
    /// </summary>
    public static bool PacksPairs(LayerModel model) => !model.Family.RecurrentWaitsForReset;

    /// <summary>Bytes of the layer's two weight matrices in float.</summary>
    public long WeightBytes { get; }

    /// <summary>
    /// Whether the layer's weight matrices (float) take <see cref="TuningPlan.BeyondL1"/> or more: more than a core's
    /// L1 data cache (32-48 KB), so that the step sweeps its column blocks in alternating directions and starts each
    /// step with the blocks the last one read, still in L1 (or, for layers that crowd L2, still in L2). Measured here:
    /// LSTM (16,64), 80 KB, 683 -> 501 ns a step; (64,256) 13.1 -> 10.0 µs; layers of 49 and 60 KB neither gained nor
    /// lost, so they keep one direction. Any order gives the same sums.
    /// </summary>
    public bool Sweeps { get; }

    /// <summary>
    /// Full column blocks per float forward kernel call: 2, or 4 under the Vector512 tuning for layers that sweep
    /// with under 512 KB of weights (half this machine class's L2) and at least 8 blocks (two groups to alternate):
    /// their kernel reads four blocks' weight streams from L2 in one pass, 16 accumulators. Measured (probe, best of
    /// 7): LSTM (32,128), 327 KB, step 2.54-2.73 -> 2.18-2.39 µs; LSTM (64,256), 1.3 MB, 10.0 -> 10.8 µs (so it keeps
    /// pairs); the bfloat16 kernel with four blocks ran 5-8x slower (spills), so CellEmitter gives it pairs always.
    /// </summary>
    public int BlocksPerCall { get; }

    /// <summary>
    /// Under Cores = 2, the first gate row the partner core computes (whole column blocks: the caller takes the first
    /// half, rounded up, the partner the rest), or 0 when the layer is not split: not Cores = 2, or not
    /// <see cref="LayerModel.Splittable"/> (a reset-before GRU, whose recurrent product waits for r, or a layer of one
    /// block).
    /// </summary>
    public int SplitColumn { get; }

    public bool Splits => SplitColumn > 0;

    /// <summary>Whether the snapshot packs this layer's matrices (<see cref="PacksPairs"/>).</summary>
    public bool PacksBFloat16 { get; }
}
